using Dotcat.Diagnostics;

namespace Dotcat.Exec;

/// <summary>The program <c>-e</c> or <c>-c</c> runs for each connection: a file name and its arguments, checked once.</summary>
internal sealed record ExecCommand(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary><c>-e CMD</c>: argv split without a shell (quotes honoured).</summary>
    public static ExecCommand Direct(string command)
    {
        IReadOnlyList<string> argv = ArgvSplitter.Split(command, out string? error)
            ?? throw new UsageException($"cannot parse -e/--exec command: {error}");
        if (argv.Count == 0)
            throw new UsageException("-e/--exec needs a command");
        return new ExecCommand(argv[0], [.. argv.Skip(1)]);
    }

    /// <summary><c>-c CMD</c>: through the system shell.</summary>
    public static ExecCommand Shell(string command)
    {
        if (string.IsNullOrWhiteSpace(command))
            throw new UsageException("-c/--sh-exec needs a command");
        return OperatingSystem.IsWindows()
            ? new ExecCommand("cmd.exe", ["/c", command])
            : new ExecCommand("/bin/sh", ["-c", command]);
    }
}
