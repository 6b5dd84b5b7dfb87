using Dotcat.Cli;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.InMemory.Cli;

public class CommandLineSpecs
{
    private static DotcatOptions Options(params string[] args)
    {
        CommandLineRequest request = CommandLine.Parse(args);
        request.UsageError.ShouldBeNull();
        return request.Options.ShouldNotBeNull();
    }

    private static string UsageError(params string[] args) =>
        CommandLine.Parse(args).UsageError.ShouldNotBeNull();

    [Fact]
    public void Host_and_port_connect()
    {
        DotcatOptions options = Options("example.org", "80");
        options.Mode.ShouldBe(Mode.Connect);
        options.Ip().Host.ShouldBe("example.org");
        options.Ip().Port.ShouldBe(80);
        options.HalfClose.ShouldBeTrue();
        options.QuitAfterEof.ShouldBe(Timeout.InfiniteTimeSpan);
    }

    [Theory]
    [InlineData(new[] { "-l", "8080" }, null, 8080)]
    [InlineData(new[] { "-l", "-p", "8080" }, null, 8080)]
    [InlineData(new[] { "-l", "127.0.0.1", "8080" }, "127.0.0.1", 8080)]
    [InlineData(new[] { "-l", "127.0.0.1", "-p", "8080" }, "127.0.0.1", 8080)]
    [InlineData(new[] { "listen", "0" }, null, 0)]
    [InlineData(new[] { "8080", "--listen" }, null, 8080)]
    [InlineData(new[] { "-l", "[::1]", "9" }, "::1", 9)]
    public void Every_listen_form_gives_host_and_port(string[] args, string? host, int port)
    {
        DotcatOptions options = Options(args);
        options.Mode.ShouldBe(Mode.Listen);
        options.Ip().Host.ShouldBe(host);
        options.Ip().Port.ShouldBe(port);
    }

    [Fact]
    public void Connect_spelled_out_lets_a_host_be_called_listen()
    {
        DotcatOptions options = Options("connect", "listen", "80");
        options.Mode.ShouldBe(Mode.Connect);
        options.Ip().Host.ShouldBe("listen");
    }

    [Fact]
    public void Short_flags_bundle_and_v_counts()
    {
        DotcatOptions options = Options("-lkvv", "8080");
        options.Mode.ShouldBe(Mode.Listen);
        options.KeepOpen.ShouldBeTrue();
        options.Verbosity.ShouldBe(2);
        Options("-v", "-l", "-v", "1").Verbosity.ShouldBe(2);
    }

    [Theory]
    [InlineData("1.5", 1500)]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1m", 60_000)]
    [InlineData("1h", 3_600_000)]
    public void Time_values_take_seconds_or_a_unit(string text, int milliseconds)
    {
        Options("-w", text, "h", "1").ConnectTimeout.ShouldBe(TimeSpan.FromMilliseconds(milliseconds));
        Options("-i", text, "h", "1").IdleTimeout.ShouldBe(TimeSpan.FromMilliseconds(milliseconds));
        Options("-q", text, "h", "1").QuitAfterEof.ShouldBe(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Fact]
    public void Quit_minus_one_means_never_and_zero_means_at_once()
    {
        Options("-q", "-1", "h", "1").QuitAfterEof.ShouldBe(Timeout.InfiniteTimeSpan);
        Options("-q", "0", "h", "1").QuitAfterEof.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Option_values_attach_in_every_spelling()
    {
        Options("--wait=3", "h", "1").ConnectTimeout.ShouldBe(TimeSpan.FromSeconds(3));
        Options("-w3", "h", "1").ConnectTimeout.ShouldBe(TimeSpan.FromSeconds(3));
        Options("h", "1", "--max-conns", "7").MaxConnections.ShouldBe(7);
    }

    [Fact]
    public void Double_dash_ends_options()
    {
        DotcatOptions options = Options("-l", "--", "8080");
        options.Ip().Port.ShouldBe(8080);
    }

    [Fact]
    public void Switches_land_in_the_options_record()
    {
        DotcatOptions options = Options("-l", "-k", "-m", "3", "--no-shutdown", "--reuseaddr", "--reuseport", "-n", "-6", "::1", "1");
        options.KeepOpen.ShouldBeTrue();
        options.MaxConnections.ShouldBe(3);
        options.HalfClose.ShouldBeFalse();
        options.ReuseAddress.ShouldBeTrue();
        options.ReusePort.ShouldBeTrue();
        options.NumericOnly.ShouldBeTrue();
        options.Family.ShouldBe(IpFamily.IPv6);
    }

    [Fact]
    public void N_is_accepted_and_means_the_default_half_close() =>
        Options("-N", "h", "1").HalfClose.ShouldBeTrue();

    [Fact]
    public void Source_address_and_port_apply_to_connect()
    {
        DotcatOptions options = Options("-s", "127.0.0.1", "-p", "4000", "h", "1");
        options.Ip().SourceAddress.ShouldBe("127.0.0.1");
        options.Ip().SourcePort.ShouldBe(4000);
    }

    [Theory]
    [InlineData(new[] { "-l", "70000" }, "invalid port '70000'")]
    [InlineData(new[] { "h", "70000" }, "invalid port '70000'")]
    [InlineData(new[] { "h", "0" }, "invalid port '0'")]
    [InlineData(new[] { "h", "http" }, "invalid port 'http'")]
    [InlineData(new[] { "-l", "-p", "-5" }, "invalid port '-5'")]
    [InlineData(new[] { "-w", "abc", "h", "1" }, "invalid value 'abc' for --wait")]
    [InlineData(new[] { "-i", "1x", "h", "1" }, "invalid value '1x' for --idle-timeout")]
    [InlineData(new[] { "-q", "soon", "h", "1" }, "invalid value 'soon' for -q")]
    [InlineData(new[] { "-m", "0", "-lk", "1" }, "invalid value '0' for --max-conns")]
    [InlineData(new[] { "--bogus", "h", "1" }, "unknown option '--bogus' (see dotcat --help)")]
    [InlineData(new[] { "--verbos", "h", "1" }, "unknown option '--verbos' (did you mean --verbose? see dotcat --help)")]
    [InlineData(new[] { "--keepopen", "-l", "1" }, "unknown option '--keepopen' (did you mean --keep-open? see dotcat --help)")]
    [InlineData(new[] { "h", "1", "--sendonly" }, "unknown option '--sendonly' (did you mean --send-only? see dotcat --help)")]
    [InlineData(new string[0], "missing HOST to connect to")]
    [InlineData(new[] { "-l", "99999" }, "invalid port '99999'")]
    [InlineData(new[] { "-4", "-6", "h", "1" }, "cannot use -4 with -6")]
    [InlineData(new[] { "-k", "-e", "cat", "h", "1" }, "-k/--keep-open with -e/-c needs -l/--listen")]
    [InlineData(new[] { "-l", "-s", "127.0.0.1", "1" }, "cannot use -s/--source with -l/--listen (give the address to listen on as HOST)")]
    [InlineData(new[] { "connect", "-l", "h", "1" }, "cannot use -l/--listen with 'connect'")]
    [InlineData(new[] { "--no-shutdown", "-N", "h", "1" }, "cannot use --no-shutdown with -N")]
    [InlineData(new[] { "-l", "-p", "1", "h", "2" }, "cannot use -p/--source-port with a PORT operand in listen mode")]
    [InlineData(new[] { "-n", "localhost", "1" }, "-n/--nodns forbids names, and 'localhost' is not a numeric address")]
    [InlineData(new[] { "-l", "1", "--respond", "echo", "-o", "f" }, "cannot use -o/--output with --respond")]
    [InlineData(new[] { "-l", "1", "-e", "cat", "--recv-only" }, "cannot use --recv-only with -e/--exec")]
    [InlineData(new[] { "-n", "-s", "somehost", "127.0.0.1", "1" }, "-n/--nodns forbids names, and 'somehost' is not a numeric address")]
    public void Usage_errors_are_one_line_naming_the_problem(string[] args, string message) =>
        UsageError(args).ShouldBe(message);

    [Theory]
    [InlineData(new[] { "127.0.0.1" }, "127.0.0.1", 31337)]
    [InlineData(new[] { "-l" }, null, 31337)]
    [InlineData(new[] { "-l", "-u" }, null, 31337)]
    [InlineData(new[] { "-l", "127.0.0.1" }, "127.0.0.1", 31337)]
    [InlineData(new[] { "-l", "::1" }, "::1", 31337)]
    [InlineData(new[] { "-l", "8080" }, null, 8080)]
    public void Without_a_port_ncat_s_31337_is_used(string[] args, string? host, int port)
    {
        DotcatOptions options = Options(args);
        options.Ip().Host.ShouldBe(host);
        options.Ip().Port.ShouldBe(port);
    }

    [Fact]
    public void Too_many_operands_is_a_usage_error() =>
        UsageError("h", "1", "2").ShouldContain("'2'");

    [Fact]
    public void Help_and_version_are_built_in_actions()
    {
        CommandLine.Parse(["--help"]).BuiltInAction.ShouldNotBeNull();
        CommandLine.Parse(["--version"]).BuiltInAction.ShouldNotBeNull();
    }

    /// <summary>dotcat's own --help and --version keep what System.CommandLine's RootCommand gave them.</summary>
    [Theory]
    [InlineData("-h")]
    [InlineData("-?")]
    [InlineData("/h")]
    [InlineData("/?")]
    public void Help_has_every_alias_it_had(string alias) =>
        CommandLine.Parse([alias]).BuiltInAction.ShouldNotBeNull();

    [Fact]
    public void Help_after_an_operand_is_still_help() =>
        CommandLine.Parse(["-l", "8000", "--help"]).BuiltInAction.ShouldNotBeNull();

    [Theory]
    [InlineData("-l", "--version")]
    [InlineData("--version", "localhost")]
    public void Version_with_anything_else_is_a_usage_error(params string[] args) =>
        UsageError(args).ShouldBe("--version option cannot be combined with other arguments");

    [Fact]
    public async Task Version_through_the_parser_prints_the_packages_version()
    {
        System.CommandLine.ParseResult version = CommandLine.Parse(["--version"]).BuiltInAction!;
        using var output = new StringWriter();
        (await BuiltInActions.InvokeAsync(version, output, TextWriter.Null, null, CancellationToken.None)).ShouldBe(0);
        output.ToString().ShouldBe(DotcatCommand.Version + Environment.NewLine);
    }

    [Fact]
    public void The_version_constant_is_the_packages_version() =>
        DotcatCommand.Version.ShouldBe(typeof(DotcatCommand).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion);
}
