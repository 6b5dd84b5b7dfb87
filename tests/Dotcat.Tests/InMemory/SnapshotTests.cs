using System.CommandLine;
using Dotcat.Cli;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.InMemory;

/// <summary>
/// What users read, pinned: a wording change shows up as a changed *.approved.txt file in review. (The completion
/// scripts are pinned the same way by their checked-in copies under completions/, see CompletionFilesTests.)
/// To accept a change: move the .received.txt file over the .approved.txt one.
/// </summary>
public class SnapshotTests
{
    [Fact]
    public void Help_text_is_unchanged()
    {
        using var output = new StringWriter();
        int exitCode = new DotcatCommand().Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output });

        exitCode.ShouldBe(0);
        output.ToString().ShouldMatchApproved();
    }

    [Theory(Timeout = 60_000)]
    [InlineData("unknown-option", "--bogus 127.0.0.1 1")]
    [InlineData("nothing", "")]
    [InlineData("port-out-of-range", "127.0.0.1 99999")]
    [InlineData("port-zero-connect", "127.0.0.1 0")]
    [InlineData("ipv4-and-ipv6", "-4 -6 127.0.0.1 1")]
    [InlineData("keep-open-exec-without-listen", "-k -e cat 127.0.0.1 1")]
    [InlineData("source-with-listen", "-l -s 127.0.0.1 0")]
    [InlineData("port-option-and-operand", "-l -p 1 127.0.0.1 2")]
    [InlineData("connect-with-listen", "connect -l 127.0.0.1 1")]
    [InlineData("nodns-with-name", "-n localhost 1")]
    [InlineData("bad-time", "-w 1x 127.0.0.1 1")]
    [InlineData("bad-max-conns", "-l -m 0 0")]
    [InlineData("bad-color", "--color rainbow 127.0.0.1 1")]
    [InlineData("no-shutdown-with-N", "--no-shutdown -N 127.0.0.1 1")]
    [InlineData("send-only-with-recv-only", "--send-only --recv-only 127.0.0.1 1")]
    [InlineData("send-with-recv-only", "--send *.log --recv-only 127.0.0.1 1")]
    [InlineData("crlf-with-recv-only", "-C --recv-only 127.0.0.1 1")]
    [InlineData("delay-with-recv-only", "-d 1 --recv-only 127.0.0.1 1")]
    [InlineData("append-output-alone", "--append-output 127.0.0.1 1")]
    [InlineData("exclude-without-send", "--exclude *.log 127.0.0.1 1")]
    [InlineData("output-and-hex-dump-same-file", "-o same.log -x same.log 127.0.0.1 1")]
    [InlineData("send-matches-nothing", "--send no-such-dir/**/*.none 127.0.0.1 1")]
    [InlineData("scan-with-listen", "-z -l 127.0.0.1 1")]
    [InlineData("scan-without-ports", "-z 127.0.0.1")]
    [InlineData("scan-backwards-range", "-z 127.0.0.1 80-22")]
    [InlineData("scan-port-zero", "-z 127.0.0.1 0")]
    [InlineData("scan-empty-list-entry", "-z 127.0.0.1 22,,80")]
    [InlineData("scan-with-source-port", "-z -p 5000 127.0.0.1 22")]
    [InlineData("scan-with-send", "-z --send *.log 127.0.0.1 22")]
    [InlineData("scan-with-output", "-z -o scan.log 127.0.0.1 22")]
    [InlineData("completions-unknown-shell", "--completions tcsh")]
    [InlineData("ssl-option-without-ssl", "--ssl-insecure 127.0.0.1 1")]
    [InlineData("ssl-with-udp", "--ssl -u 127.0.0.1 1")]
    [InlineData("ssl-fingerprint-with-insecure", "--ssl --ssl-insecure --ssl-fingerprint AB 127.0.0.1 1")]
    public async Task Usage_error_is_one_line_and_unchanged(string name, string commandLine)
    {
        await using var dotcat = DotcatRun.Start(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        dotcat.CloseStdin();
        int exitCode = await dotcat.WaitForExitAsync();

        string[] lines = dotcat.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1, dotcat.Stderr);
        lines[0].ShouldStartWith("dotcat: ");
        exitCode.ShouldBe(2);
        (await dotcat.StdoutAsync()).ShouldBeEmpty();
        $"$ dotcat {commandLine}\n{lines[0]}\nexit {exitCode}\n".ShouldMatchApproved(c => c.WithDiscriminator(name));
    }
}
