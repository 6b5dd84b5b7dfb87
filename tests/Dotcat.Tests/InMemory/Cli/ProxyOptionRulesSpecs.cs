using Dotcat.Cli;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.InMemory.Cli;

/// <summary>The binder's rules for --proxy, -l --proxy-type and the access options (SPEC section 7).</summary>
public class ProxyOptionRulesSpecs
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData("cannot use --proxy with -l/--listen", "-l", "1", "--proxy", "127.0.0.1")]
    [InlineData("cannot use --proxy with -z", "-z", "--proxy", "127.0.0.1", "127.0.0.1", "80")]
    [InlineData("cannot use --proxy with -u/--udp", "-u", "--proxy", "127.0.0.1", "127.0.0.1", "80")]
    [InlineData("cannot use --proxy with -U/--unixsock", "-U", "/tmp/x.sock", "--proxy", "127.0.0.1")]
    [InlineData("--proxy-dns needs --proxy", "--proxy-dns", "local", "127.0.0.1", "80")]
    [InlineData("--proxy-type needs --proxy (or -l, to serve as a proxy)", "--proxy-type", "socks5", "127.0.0.1", "80")]
    [InlineData("--proxy-auth needs --proxy (or -l, to serve as a proxy)", "--proxy-auth", "a:b", "127.0.0.1", "80")]
    [InlineData("--proxy-auth needs --proxy-type with -l/--listen", "-l", "1", "--proxy-auth", "a:b")]
    [InlineData("-l --proxy-type serves socks5 or http, not socks4", "-l", "1", "--proxy-type", "socks4")]
    [InlineData("cannot use --proxy-type with -e/--exec (-l --proxy-type makes dotcat the proxy)", "-l", "1", "--proxy-type", "socks5", "-e", "cat")]
    [InlineData("cannot use --proxy-type with -u/--udp", "-lu", "1", "--proxy-type", "socks5")]
    [InlineData("cannot use -o/--output with --proxy-type", "-l", "1", "--proxy-type", "http", "-o", "x")]
    [InlineData("cannot use -i/--idle-timeout with --proxy-type", "-l", "1", "--proxy-type", "http", "-i", "1")]
    [InlineData("--proxy-type socks4 cannot send the name 'example.test' to the proxy (--proxy-dns remote); use --proxy-type socks4a, or --proxy-dns local",
        "--proxy", "127.0.0.1", "--proxy-type", "socks4", "--proxy-dns", "remote", "example.test", "80")]
    [InlineData("--proxy-type socks4 cannot carry the IPv6 address ::1; use --proxy-type socks5 or http", "--proxy", "127.0.0.1", "--proxy-type", "socks4", "::1", "80")]
    [InlineData("--allow needs -l/--listen", "--allow", "127.0.0.1", "127.0.0.1", "80")]
    [InlineData("cannot use --deny with -U/--unixsock", "-lU", "/tmp/x.sock", "--deny", "127.0.0.2")]
    [InlineData("--allow: bad prefix length in '10.0.0.0/33' (0 to 32)", "-l", "1", "--allow", "10.0.0.0/33")]
    [InlineData("-n/--nodns forbids names, and --allow names 'gateway.test'", "-n", "-l", "1", "--allow", "gateway.test")]
    public void Proxy_and_access_rules_are_usage_errors(string message, params string[] args) =>
        CommandLine.Parse(args, environment: NoEnvironment).UsageError.ShouldBe(message);

    [Fact]
    public void A_proxy_for_connect_mode_is_settled_with_its_default_port()
    {
        DotcatOptions options = CommandLine.Parse(["--proxy", "[::1]", "--proxy-type", "socks5", "::1", "80"], environment: NoEnvironment).Options!;
        options.Proxy.ShouldBe(new ProxySettings("::1", 1080, ProxyType.Socks5, null, ProxyDnsMode.Remote));
    }

    [Fact]
    public void Proxy_credentials_come_from_the_environment_the_run_was_given()
    {
        DotcatOptions options = CommandLine.Parse(["--proxy", "127.0.0.1:3128", "127.0.0.1", "80"], environment: n => string.Equals(n, "DOTCAT_PROXY_AUTH", StringComparison.Ordinal) ? "u:p" : null).Options!;
        options.Proxy!.Credentials.ShouldBe(new ProxyCredentials("u", "p"));
    }

    [Theory]
    [InlineData("127.0.0.1", "-l", "1080", "--proxy-type", "socks5")]
    [InlineData("::1", "-6", "-l", "1080", "--proxy-type", "socks5")]
    [InlineData("0.0.0.0", "-l", "0.0.0.0", "1080", "--proxy-type", "http")]
    public void A_proxy_server_binds_loopback_unless_a_host_is_given(string host, params string[] args)
    {
        DotcatOptions options = CommandLine.Parse(args, environment: NoEnvironment).Options!;
        options.Ip().Host.ShouldBe(host);
        options.Service.ShouldBeOfType<Service.Proxy>();
        options.KeepOpen.ShouldBeTrue();
    }

    [Fact]
    public void Access_options_are_resolved_once_by_the_binder()
    {
        DotcatOptions options = CommandLine.Parse(["-l", "1", "--allow", "127.0.0.0/8,::1", "--deny", "127.0.0.2"]).Options!;
        options.Access.Admits(System.Net.IPAddress.Parse("127.0.0.1")).Admitted.ShouldBeTrue();
        options.Access.Admits(System.Net.IPAddress.Parse("127.0.0.2")).Reason.ShouldBe("in --deny");
        options.Access.Admits(System.Net.IPAddress.Parse("10.0.0.1")).Reason.ShouldBe("not in --allow");
    }
}
