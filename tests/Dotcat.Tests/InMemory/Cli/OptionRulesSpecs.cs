using Dotcat.Cli;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.InMemory.Cli;

/// <summary>Combinations that used to pass silently, and command-line fixes: each is decided by the binder alone.</summary>
public class OptionRulesSpecs
{
    [Theory]
    [InlineData("cannot use -z with -e/--exec", "-z", "-e", "cat", "127.0.0.1", "80")]
    [InlineData("cannot use -z with -c/--sh-exec", "-z", "-c", "cat", "127.0.0.1", "80")]
    [InlineData("cannot use --reuseport with -U/--unixsock", "-lU", "/tmp/x.sock", "--reuseport")]
    [InlineData("--reuseport needs -l/--listen", "--reuseport", "127.0.0.1", "80")]
    [InlineData("cannot use -i/--idle-timeout with --respond", "-l", "1", "-i", "1", "--respond", "echo")]
    [InlineData("cannot use -q with --respond", "-l", "1", "-q", "1", "--respond", "echo")]
    [InlineData("cannot use -q with --broker", "-l", "1", "-q", "1", "--broker")]
    [InlineData("cannot use -i/--idle-timeout with --chat", "-l", "1", "-i", "1", "--chat")]
    [InlineData("cannot use -p/--source-port with a PORT operand in listen mode", "-l", "-p", "8301", "8302")]
    [InlineData("'::1' is an IPv6 address, but -4 was given", "-4", "::1", "80")]
    [InlineData("'127.0.0.1' is an IPv4 address, but -6 was given", "-6", "-l", "127.0.0.1", "80")]
    [InlineData("'::1' is an IPv6 address, but -4 was given", "-4", "-s", "::1", "127.0.0.1", "80")]
    public void Meaningless_combinations_are_usage_errors(string message, params string[] args) =>
        CommandLine.Parse(args).UsageError.ShouldBe(message);

    [Fact]
    public async Task A_usage_error_opens_no_file()
    {
        DirectoryInfo dir = Directory.CreateTempSubdirectory("dc");
        try
        {
            string output = Path.Combine(dir.FullName, "out.log");
            await using var dotcat = DotcatRun.Start("-4", "-o", output, "::1", "80");
            (await dotcat.WaitForExitAsync()).ShouldBe(2);
            File.Exists(output).ShouldBeFalse();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Double_dash_ends_options()
    {
        DotcatOptions options = CommandLine.Parse(["--", "-v", "1"]).Options.ShouldNotBeNull();
        options.Ip().Host.ShouldBe("-v");
        options.Verbosity.ShouldBe(0);
        CommandLine.Parse(["-v", "--", "-x", "1"]).Options!.Ip().Host.ShouldBe("-x");
        CommandLine.Parse(["-v", "-x"]).UsageError.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("never", false)]
    [InlineData("always", true)]
    public async Task Usage_errors_honour_color(string when, bool coloured)
    {
        await using var dotcat = DotcatRun.Start(["--color", when, "--bogus"], stderrIsTerminal: true, environment: new Dictionary<string, string>(StringComparer.Ordinal) { ["NO_COLOR"] = "" });
        (await dotcat.WaitForExitAsync()).ShouldBe(2);
        dotcat.Stderr.Contains('\e', StringComparison.Ordinal).ShouldBe(coloured);
        dotcat.Stderr.ShouldContain("dotcat: unknown option '--bogus'");
    }

    [Fact]
    public void The_service_is_one_value()
    {
        CommandLine.Parse(["-l", "1", "--respond", "uppercase"]).Options!.Service.ShouldBe(new Service.Respond(ResponderKind.Upper, Dotcat.Text.Strftime.DefaultFormat));
        CommandLine.Parse(["-l", "1", "--chat"]).Options!.Service.ShouldBe(new Service.Broker(Chat: true));
        CommandLine.Parse(["-l", "1"]).Options!.Service.ShouldBe(Service.Relay);
        CommandLine.Parse(["-lU", "/tmp/s"]).Options!.Endpoint.ShouldBe(new Endpoint.UnixStream("/tmp/s"));
    }
}
