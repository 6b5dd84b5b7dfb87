using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Loopback.Diagnostics;

public class ColorTests
{
    private const string Escape = "\e[";

    // mode, NO_COLOR, FORCE_COLOR, TERM, stderr redirected -> colour
    [Theory]
    [InlineData("Always", "1", null, "dumb", true, true)]
    [InlineData("Never", null, "1", "xterm", false, false)]
    [InlineData("Auto", null, null, "xterm", false, true)]
    [InlineData("Auto", null, null, "xterm", true, false)]
    [InlineData("Auto", "1", null, "xterm", false, false)]
    [InlineData("Auto", "", null, "xterm", false, true)]
    [InlineData("Auto", "1", "1", "xterm", false, false)]
    [InlineData("Auto", null, "1", "xterm", true, true)]
    [InlineData("Auto", null, "0", "xterm", false, true)]
    [InlineData("Auto", null, "0", "xterm", true, false)]
    [InlineData("Auto", null, "false", "xterm", true, false)]
    [InlineData("Auto", null, null, "dumb", false, false)]
    [InlineData("Auto", null, "1", "dumb", false, true)]
    public void Stderr_colour_follows_the_policy_table(string mode, string? noColor, string? forceColor, string? term, bool redirected, bool expected)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["NO_COLOR"] = noColor,
            ["FORCE_COLOR"] = forceColor,
            ["TERM"] = term,
        };

        Term.StderrColor(Enum.Parse<ColorMode>(mode), name => env.GetValueOrDefault(name), redirected).ShouldBe(expected);
    }

    [Fact]
    public void Log_colours_errors_red_warnings_yellow_and_information_dim()
    {
        var text = new StringWriter();
        var log = new Log(text, verbosity: 1, color: true);

        log.Error("bad");
        log.Warning("careful");
        log.Info("fyi");

        text.ToString().ShouldBe("\e[31mdotcat: bad\e[0m\n\e[33mdotcat: careful\e[0m\n\e[2mdotcat: fyi\e[0m\n");
    }

    [Fact]
    public void Log_without_colour_writes_plain_lines()
    {
        var text = new StringWriter();
        var log = new Log(text, verbosity: 1, color: false);

        log.Error("bad");
        log.Warning("careful");
        log.Info("fyi");
        log.Info("more detail", level: 2);

        text.ToString().ShouldBe("dotcat: bad\ndotcat: careful\ndotcat: fyi\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_redirected_stderr_gets_no_escape_codes_without_FORCE_COLOR()
    {
        (string stderr, byte[] stdout) = await RunVerboseAgainstClosedPortAsync(new Dictionary<string, string> { ["NO_COLOR"] = "", ["TERM"] = "xterm" });

        stderr.ShouldContain("dotcat: cannot connect to 127.0.0.1:");
        stderr.ShouldNotContain(Escape);
        stdout.ShouldBeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task FORCE_COLOR_colours_a_redirected_stderr_and_never_stdout()
    {
        (string stderr, byte[] stdout) = await RunVerboseAgainstClosedPortAsync(new Dictionary<string, string> { ["NO_COLOR"] = "", ["FORCE_COLOR"] = "1" });

        stderr.ShouldContain("\e[31mdotcat: cannot connect to 127.0.0.1:");
        stdout.ShouldBeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task Color_never_beats_FORCE_COLOR()
    {
        (string stderr, _) = await RunVerboseAgainstClosedPortAsync(new Dictionary<string, string> { ["FORCE_COLOR"] = "1" }, "--color", "never");

        stderr.ShouldContain("dotcat: cannot connect");
        stderr.ShouldNotContain(Escape);
    }

    [UnixFact(Timeout = 60_000)]
    public async Task Stderr_redirected_to_a_file_by_the_shell_has_no_escape_codes()
    {
        DirectoryInfo dir = Directory.CreateTempSubdirectory("dc");
        try
        {
            string file = Path.Combine(dir.FullName, "err.txt");
            var info = new System.Diagnostics.ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("err=$1; shift; \"$@\" </dev/null 2>\"$err\"");
            info.ArgumentList.Add("sh");
            info.ArgumentList.Add(file);
            (string program, IEnumerable<string> args) = DotcatProcess.DotcatCommand(
                ["-v", "127.0.0.1", ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            info.ArgumentList.Add(program);
            foreach (string arg in args)
            {
                info.ArgumentList.Add(arg);
            }
            info.Environment.Remove("NO_COLOR");
            info.Environment.Remove("FORCE_COLOR");
            info.Environment["TERM"] = "xterm-256color";
            using var shell = System.Diagnostics.Process.Start(info)!;
            await shell.WaitForExitAsync();

            shell.ExitCode.ShouldBe(1);
            string stderr = await File.ReadAllTextAsync(file);
            stderr.ShouldStartWith("dotcat: cannot connect to 127.0.0.1:");
            stderr.ShouldNotContain(Escape);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>`dotcat -v 127.0.0.1 PORT` against a port just closed: an error line on a redirected stderr.</summary>
    private static async Task<(string Stderr, byte[] Stdout)> RunVerboseAgainstClosedPortAsync(IDictionary<string, string> environment, params string[] extra)
    {
        int port = ClosedPort();
        await using var dotcat = DotcatRun.Start(["-v", .. extra, "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], environment: environment);
        dotcat.CloseStdin();
        (await dotcat.WaitForExitAsync()).ShouldBe(1);
        return (dotcat.Stderr, await dotcat.StdoutAsync());
    }

    internal static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
