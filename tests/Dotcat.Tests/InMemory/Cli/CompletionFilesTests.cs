using Dotcat.Cli;

namespace Dotcat.Tests.InMemory.Cli;

/// <summary>
/// The scripts checked in under completions/ are what <c>dotcat --completions SHELL</c> prints today.
/// After changing an option: <c>DOTCAT_UPDATE_COMPLETIONS=1 dotnet test --filter CompletionFiles</c> rewrites them.
/// </summary>
public class CompletionFilesTests
{
    [Theory]
    [InlineData("bash", "dotcat.bash")]
    [InlineData("zsh", "_dotcat")]
    [InlineData("fish", "dotcat.fish")]
    [InlineData("pwsh", "dotcat.ps1")]
    public void CompletionFiles_are_up_to_date(string shell, string file)
    {
        string path = Path.Combine(RepoRoot(), "completions", file);
        string expected = CompletionScripts.Generate(DotcatCommand.Create(), shell);
        if (string.Equals(Environment.GetEnvironmentVariable("DOTCAT_UPDATE_COMPLETIONS"), "1", StringComparison.Ordinal))
            File.WriteAllText(path, expected);

        File.Exists(path).ShouldBeTrue($"{path} is missing; run DOTCAT_UPDATE_COMPLETIONS=1 dotnet test --filter CompletionFiles");
        File.ReadAllText(path).ShouldBe(expected, "stale; run DOTCAT_UPDATE_COMPLETIONS=1 dotnet test --filter CompletionFiles");
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "dotcat.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("dotcat.sln not found above " + AppContext.BaseDirectory);
    }
}
