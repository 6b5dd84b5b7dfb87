using System.CommandLine;
using Dotcat.Cli;

namespace Dotcat.Tests.InMemory.Cli;

/// <summary>
/// No trace, ever (issue 9): many random command lines, seeded so a failure reproduces, mixing real options, bad and
/// missing values, operands, <c>--</c> and bundles. Each must end as options, a built-in action that reports in
/// <c>dotcat: </c> lines with exit 0/1/2, or one usage-error line. Nothing reaches the network: options are only parsed.
/// </summary>
public class CommandLineFuzzTests
{
    private static readonly string[] Words =
    [
        "-l", "-k", "-u", "-U", "-v", "-vv", "-z", "-n", "-4", "-6", "-C", "-N", "-lkv", "-luk", "-lv4", "-zv", "-kl",
        "-w", "-i", "-q", "-m", "-p", "-s", "-o", "-x", "-d", "-e", "-c", "--wait", "--idle-timeout", "--output",
        "--hex-dump", "--append-output", "--color", "--completions", "--respond", "--exec", "--sh-exec", "--send",
        "--exclude", "--chat", "--broker", "--progress", "--send-only", "--recv-only", "--no-shutdown", "--reuseaddr",
        "--max-conns", "--source", "--help", "--version", "-h", "-?", "--", "connect", "listen",
        "127.0.0.1", "::1", "[::1]", "localhost", "0", "1", "80", "65535", "65536", "-1", "1-1024", "5-2", "1,,2",
        "1s", "500ms", "1x", "", " ", "bash", "zsh", "fish", "pwsh", "tcsh", "always", "never", "rainbow", "echo",
        "upper", "nope", "/missing/dir/f", "*.txt", "--bogus", "-Q", "=", "--wait=", "--color=auto", "-w1", "-o=",
        "é", "\t", "-", "---", "--=x",
    ];

    [Fact]
    public void Every_random_command_line_ends_in_options_a_dotcat_line_or_a_usage_error()
    {
        var random = new Random(20261203);
        for (int i = 0; i < 600; i++)
        {
            string[] args = [.. Enumerable.Range(0, random.Next(0, 7)).Select(_ => Word(random))];
            string shown = string.Join(" ", args.Select(a => $"[{a}]"));
            CheckOne(args, shown);
        }
    }

    private static string Word(Random random) => random.Next(20) switch
    {
        0 => new string('a', random.Next(250, 300)),         // a host name over 255 characters
        1 => new string('9', random.Next(70, 2000)),         // a long value
        _ => Words[random.Next(Words.Length)],
    };

    private static void CheckOne(string[] args, string shown)
    {
        CommandLineRequest request = Should.NotThrow(() => CommandLine.Parse(args), shown);

        if (request.UsageError is { } usage)
        {
            usage.ShouldNotContain("\n", customMessage: shown);
            usage.ShouldNotContain("Exception", customMessage: shown);
            usage.ShouldNotContain("System.", customMessage: shown);
            return;
        }
        if (request.BuiltInAction is not { } builtIn)
        {
            request.Options.ShouldNotBeNull(shown);
            return;
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = builtIn.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        exitCode.ShouldBeOneOf([0, 1, 2], shown);
        string stderr = error.ToString();
        stderr.ShouldNotContain("Exception", customMessage: shown);
        stderr.ShouldNotContain("   at ", customMessage: shown);
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldAllBe(line => line.StartsWith("dotcat: "), shown);
    }
}
