using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.InMemory.Cli;

/// <summary>How -u and -U choose the transport, what operands they take, and the datagram client's -q default.</summary>
public sealed class TransportOptionsTests
{
    private static DotcatOptions Bind(params string[] args)
    {
        var cli = new DotcatCommand();
        var parse = cli.Parse(args);
        parse.Errors.ShouldBeEmpty();
        return OptionsBinder.Bind(cli, parse, null, ".");
    }

    [Theory]
    [InlineData("Tcp", "127.0.0.1", "80")]
    [InlineData("Udp", "-u", "127.0.0.1", "80")]
    [InlineData("Udp", "--udp", "127.0.0.1", "80")]
    [InlineData("UnixStream", "-U", "/tmp/s")]
    [InlineData("UnixStream", "--unixsock", "/tmp/s")]
    [InlineData("UnixDatagram", "-Uu", "/tmp/s")]
    [InlineData("UnixDatagram", "-l", "-U", "-u", "/tmp/s")]
    public void U_and_u_choose_the_transport(string expected, params string[] args) =>
        Bind(args).Endpoint.Protocol.ToString().ShouldBe(expected);

    [Theory]
    [InlineData("-U", "/tmp/s")]
    [InlineData("-lU", "/tmp/s")]
    [InlineData("-U", "@abstract")]
    public void With_U_the_one_operand_is_the_path_in_both_modes(params string[] args)
    {
        DotcatOptions options = Bind(args);
        options.UnixPath().ShouldBe(args[^1]);
    }

    [Theory]
    [InlineData("cannot use a PORT ('80') with -U/--unixsock: its one operand is the PATH", "-U", "/tmp/s", "80")]
    [InlineData("cannot use -p/--source-port with -U/--unixsock", "-lU", "-p", "80", "/tmp/s")]
    [InlineData("cannot use -p/--source-port with -U/--unixsock", "-U", "-p", "80", "/tmp/s")]
    [InlineData("cannot use -s/--source with -U/--unixsock", "-U", "-s", "127.0.0.1", "/tmp/s")]
    [InlineData("cannot use -s/--source with -U/--unixsock", "-l", "-U", "-u", "-s", "/tmp/c", "/tmp/s")]
    [InlineData("cannot use -6 with -U/--unixsock", "-U", "-6", "/tmp/s")]
    [InlineData("missing PATH for -U/--unixsock", "-lU")]
    public void Ports_and_addresses_with_U_are_usage_errors(string message, params string[] args)
    {
        var cli = new DotcatCommand();
        var e = Should.Throw<UsageException>(() => OptionsBinder.Bind(cli, cli.Parse(args), null, "."));
        e.Message.ShouldBe(message);
        e.ExitCode.ShouldBe(ExitCodes.Usage);
    }

    [Theory]
    [InlineData(1.0, "-u", "127.0.0.1", "80")]
    [InlineData(1.0, "-Uu", "/tmp/s")]
    [InlineData(0.0, "-u", "-q", "0", "127.0.0.1", "80")]
    [InlineData(-1.0, "127.0.0.1", "80")]
    [InlineData(-1.0, "-lu", "80")]
    [InlineData(-1.0, "-lUu", "/tmp/s")]
    public void Only_a_datagram_client_quits_one_second_after_EOF_by_default(double seconds, params string[] args)
    {
        TimeSpan expected = seconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);
        Bind(args).QuitAfterEof.ShouldBe(expected);
    }

    [Fact]
    public void Udp_source_address_and_port_are_kept_for_the_client()
    {
        DotcatOptions options = Bind("-u", "-s", "127.0.0.1", "-p", "4000", "127.0.0.1", "80");
        options.Ip().SourceAddress.ShouldBe("127.0.0.1");
        options.Ip().SourcePort.ShouldBe(4000);
    }

    [Theory]
    [InlineData("[::1]", "::1")]
    [InlineData("::1", "::1")]
    public void IPv6_literals_are_accepted_with_and_without_brackets(string host, string expected) =>
        Bind("-u", host, "80").Ip().Host.ShouldBe(expected);
}
