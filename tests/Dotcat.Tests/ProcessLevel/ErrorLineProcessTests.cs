using Dotcat.Diagnostics;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.ProcessLevel;

/// <summary>Faults found at run time are one short <c>dotcat: </c> line too (issue 9): no .NET text, no value echoed whole.</summary>
public class ErrorLineProcessTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(new[] { "-o", "/missing/dir/f", "127.0.0.1", "1" }, 2, "dotcat: cannot open -o/--output file '/missing/dir/f': no such directory")]
    [InlineData(new[] { "-x", "/", "127.0.0.1", "1" }, 2, "dotcat: cannot open -x/--hex-dump file '/': is a directory")]
    [InlineData(new[] { "-o", "", "127.0.0.1", "1" }, 2, "dotcat: empty value for option '--output'")]
    [InlineData(new[] { "-v", "--completions", "-v" }, 2, "dotcat: unsupported shell '-v' for --completions (expected one of: bash, zsh, fish, pwsh)")]
    public async Task A_bad_file_or_shell_is_one_usage_line(string[] args, int exitCode, string line)
    {
        await using var dotcat = DotcatProcess.Start(args);
        dotcat.CloseStdin();

        (await dotcat.WaitForExitAsync()).ShouldBe(exitCode);
        dotcat.Stderr.ShouldBe(line + Environment.NewLine);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_host_name_over_255_characters_is_a_resolve_error_with_the_name_cut()
    {
        string host = new('a', 300);
        await using var dotcat = DotcatProcess.Start(host, "80");
        dotcat.CloseStdin();

        (await dotcat.WaitForExitAsync()).ShouldBe(1);
        dotcat.Stderr.ShouldBe($"dotcat: cannot resolve '{new string('a', Shown.MaxValueLength)}…': host name longer than 255 characters" + Environment.NewLine);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_100_KB_argument_is_cut_in_the_error_line()
    {
        await using var dotcat = DotcatProcess.Start("-w", new string('9', 100_000), "127.0.0.1", "1");
        dotcat.CloseStdin();

        (await dotcat.WaitForExitAsync()).ShouldBe(2);
        dotcat.Stderr.ShouldBe($"dotcat: invalid value '{new string('9', Shown.MaxValueLength)}…' for --wait" + Environment.NewLine);
    }
}
