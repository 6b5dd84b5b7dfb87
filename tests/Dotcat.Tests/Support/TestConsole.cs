using Dotcat.Relay;

namespace Dotcat.Tests.Support;

/// <summary>The console seam for in-process runs: stdin, stdout and stderr the test owns.</summary>
internal static class TestConsole
{
    public static DotcatConsole Create(
        Stream? stdin = null,
        Stream? stdout = null,
        TextWriter? stderr = null,
        bool stderrIsTerminal = false,
        string? directory = null,
        IReadOnlyDictionary<string, string>? environment = null) =>
        new(
            stdin ?? new MemoryStream(),
            stdout ?? new MemoryStream(),
            stderr ?? TextWriter.Null,
            stderrIsTerminal,
            name => environment is not null && environment.TryGetValue(name, out string? value) ? value : null,
            directory ?? Directory.GetCurrentDirectory());
}
