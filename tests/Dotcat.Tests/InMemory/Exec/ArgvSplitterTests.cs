using Dotcat.Cli;
using Dotcat.Tests.Support;
using Dotcat.Text;

namespace Dotcat.Tests.InMemory.Exec;

public class ArgvSplitterTests
{
    [Theory]
    [InlineData("cat", new[] { "cat" })]
    [InlineData("  grep  -v   x ", new[] { "grep", "-v", "x" })]
    [InlineData("printf '%s|' 'a b' c", new[] { "printf", "%s|", "a b", "c" })]
    [InlineData("echo \"a  b\" \"\"", new[] { "echo", "a  b", "" })]
    [InlineData("echo ''", new[] { "echo", "" })]
    [InlineData("echo it's\\ fine' x\\ y", new[] { "echo", "its\\ fine", "x y" })]
    [InlineData("echo a\\\"b \"c\\\"d\" 'e\\f'", new[] { "echo", "a\"b", "c\"d", "e\\f" })]
    [InlineData("echo \"x\\y\"", new[] { "echo", "x\\y" })]
    [InlineData("echo pre\"mid dle\"post", new[] { "echo", "premid dlepost" })]
    [InlineData("echo $HOME;ls", new[] { "echo", "$HOME;ls" })]
    [InlineData("", new string[0])]
    public void Splits_words_like_a_shell_without_expansions(string command, string[] expected)
    {
        ArgvSplitter.Split(command, out string? error).ShouldBe(expected);
        error.ShouldBeNull();
    }

    [Theory]
    [InlineData("echo 'open", "unfinished ' quote")]
    [InlineData("echo \"open", "unfinished \" quote")]
    public void An_unfinished_quote_is_an_error(string command, string message)
    {
        ArgvSplitter.Split(command, out string? error).ShouldBeNull();
        error.ShouldBe(message);
    }

    [Fact]
    public void Exec_command_is_the_first_word_and_its_arguments()
    {
        Exec("-e", "/bin/echo 'a b'").ShouldBe(new ExecCommand("/bin/echo", ["a b"]), new ExecCommandComparer());
        CommandLine.Parse(["-l", "1", "-e", "  "]).UsageError.ShouldBe("-e/--exec needs a command");
        CommandLine.Parse(["-l", "1", "-e", "x 'y"]).UsageError.ShouldBe("cannot parse -e/--exec command: unfinished ' quote");
    }

    [UnixFact]
    public void Shell_command_runs_through_bin_sh()
    {
        ExecCommand shell = Exec("-c", "echo $HOME | wc");
        shell.FileName.ShouldBe("/bin/sh");
        shell.Arguments.ShouldBe(["-c", "echo $HOME | wc"]);
    }

    private static ExecCommand Exec(string option, string command) =>
        ((Service.Exec)CommandLine.Parse(["-l", "1", option, command]).Options!.Service).Command;

    private sealed class ExecCommandComparer : IEqualityComparer<ExecCommand>
    {
        public bool Equals(ExecCommand? x, ExecCommand? y) =>
            string.Equals(x!.FileName, y!.FileName, StringComparison.Ordinal) && x.Arguments.SequenceEqual(y.Arguments);

        public int GetHashCode(ExecCommand obj) => obj.FileName.GetHashCode(StringComparison.Ordinal);
    }
}
