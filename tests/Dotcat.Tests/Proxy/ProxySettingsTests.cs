using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;
using Dotcat.Proxy;

namespace Dotcat.Tests.Proxy;

public sealed class ProxySettingsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData("127.0.0.1", null, "127.0.0.1", 3128, "Http")]
    [InlineData("127.0.0.1", "socks5", "127.0.0.1", 1080, "Socks5")]
    [InlineData("proxy.test", "socks4", "proxy.test", 1080, "Socks4")]
    [InlineData("proxy.test:8080", "http", "proxy.test", 8080, "Http")]
    [InlineData("[::1]:9050", "socks4a", "::1", 9050, "Socks4a")]
    [InlineData("[::1]", "5", "::1", 1080, "Socks5")]
    [InlineData("::1", "4", "::1", 1080, "Socks4")]
    [InlineData("127.0.0.1:1", "SOCKS5", "127.0.0.1", 1, "Socks5")]
    public void Proxy_address_type_and_default_port(string proxy, string? type, string host, int port, string expectedName)
    {
        var expected = Enum.Parse<ProxyType>(expectedName);
        ProxySettings settings = ProxyParsers.CreateSettings(proxy, type, null, null, NoEnvironment);
        settings.ShouldBe(new ProxySettings(host, port, expected, null, expected == ProxyType.Socks4 ? ProxyDnsMode.Local : ProxyDnsMode.Remote));
    }

    [Theory]
    [InlineData("127.0.0.1:0", null, "--proxy '127.0.0.1:0': the port must be 1 to 65535")]
    [InlineData("127.0.0.1:65536", null, "--proxy '127.0.0.1:65536': the port must be 1 to 65535")]
    [InlineData("127.0.0.1:", null, "--proxy '127.0.0.1:': the port must be 1 to 65535")]
    [InlineData(":1080", null, "--proxy ':1080': the host is missing")]
    [InlineData("", null, "--proxy '': the host is missing")]
    [InlineData("[::1", null, "--proxy '[::1': expected [IPV6]:PORT")]
    [InlineData("[::1]x", null, "--proxy '[::1]x': expected [IPV6]:PORT")]
    [InlineData("[proxy.test]:80", null, "--proxy '[proxy.test]:80': 'proxy.test' in brackets is not an IPv6 address")]
    [InlineData("a:b:c", null, "--proxy 'a:b:c': not HOST[:PORT] (write an IPv6 address with a port as [V6]:PORT)")]
    [InlineData("127.0.0.1", "socks6", "--proxy-type must be socks4, socks4a, socks5 or http, not 'socks6'")]
    public void Bad_values_are_one_line_usage_errors(string proxy, string? type, string message)
    {
        UsageException e = Should.Throw<UsageException>(() => ProxyParsers.CreateSettings(proxy, type, null, null, NoEnvironment));
        e.Message.ShouldBe(message);
    }

    [Theory]
    [InlineData("local", "Local")]
    [InlineData("remote", "Remote")]
    [InlineData("both", "Both")]
    [InlineData("none", "None")]
    public void Dns_modes(string text, string mode) =>
        ProxyParsers.CreateSettings("127.0.0.1", "socks5", null, text, NoEnvironment).Dns.ShouldBe(Enum.Parse<ProxyDnsMode>(mode));

    [Fact]
    public void A_bad_dns_mode_is_a_usage_error() =>
        Should.Throw<UsageException>(() => ProxyParsers.CreateSettings("127.0.0.1", null, null, "maybe", NoEnvironment))
            .Message.ShouldBe("--proxy-dns must be local, remote, both or none, not 'maybe'");

    [Fact]
    public void Credentials_split_at_the_first_colon_and_hide_the_password()
    {
        ProxyCredentials credentials = ProxyParsers.CreateSettings("127.0.0.1", null, "alice:s3:cret", null, NoEnvironment).Credentials!;
        credentials.ShouldBe(new ProxyCredentials("alice", "s3:cret"));
        credentials.ToString().ShouldNotContain("s3");
    }

    [Theory]
    [InlineData("alice")]
    [InlineData(":pass")]
    public void Credentials_without_a_user_or_colon_are_usage_errors(string auth) =>
        Should.Throw<UsageException>(() => ProxyParsers.CreateSettings("127.0.0.1", null, auth, null, NoEnvironment))
            .Message.ShouldBe("--proxy-auth must be USER:PASS");

    [Fact]
    public void Socks5_credentials_must_fit_RFC_1929()
    {
        Should.Throw<UsageException>(() => ProxyParsers.CreateSettings("127.0.0.1", "socks5", new string('u', 256) + ":p", null, NoEnvironment))
            .Message.ShouldBe("--proxy-auth: a SOCKS5 user name is at most 255 bytes");
        Should.Throw<UsageException>(() => ProxyParsers.CreateSettings("127.0.0.1", "socks5", "u:", null, NoEnvironment))
            .Message.ShouldBe("--proxy-auth: SOCKS5 needs a password of at least 1 byte");
        ProxyParsers.CreateSettings("127.0.0.1", "http", "u:", null, NoEnvironment).Credentials.ShouldBe(new ProxyCredentials("u", ""));
    }

    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData("cli:1", "env:2", "ncat:3", "cli")]
    [InlineData(null, "env:2", "ncat:3", "env")]
    [InlineData(null, "", "ncat:3", "ncat")]
    [InlineData(null, null, "ncat:3", "ncat")]
    public void Credentials_come_from_the_option_then_DOTCAT_then_NCAT(string? option, string? dotcat, string? ncat, string? user)
    {
        var environment = new Dictionary<string, string?> { ["DOTCAT_PROXY_AUTH"] = dotcat, ["NCAT_PROXY_AUTH"] = ncat };
        ProxySettings settings = ProxyParsers.CreateSettings("127.0.0.1", null, option, null, name => environment.GetValueOrDefault(name));
        settings.Credentials?.User.ShouldBe(user);
        if (user is null)
            settings.Credentials.ShouldBeNull();
    }

    [Fact]
    public void A_bad_environment_value_names_the_variable() =>
        Should.Throw<UsageException>(() => ProxyParsers.CreateSettings("127.0.0.1", null, null, null, name => string.Equals(name, "NCAT_PROXY_AUTH", StringComparison.Ordinal) ? "nocolon" : null))
            .Message.ShouldBe("NCAT_PROXY_AUTH must be USER:PASS");
}

public sealed class ProxyDnsTests
{
    [Theory]
    // Literals are always sent as addresses, whatever the mode (ncat does the same).
    [InlineData("127.0.0.1", "Socks5", "None", "SendAddress")]
    [InlineData("[::1]", "Http", "Remote", "SendAddress")]
    [InlineData("127.0.0.1", "Socks4", "Remote", "SendAddress")]
    [InlineData("host.test", "Socks5", "Local", "ResolveLocally")]
    [InlineData("host.test", "Socks5", "Remote", "SendName")]
    [InlineData("host.test", "Socks5", "Both", "ResolveLocallyOrSendName")]
    [InlineData("host.test", "Http", "Remote", "SendName")]
    [InlineData("host.test", "Http", "Local", "ResolveLocally")]
    [InlineData("host.test", "Socks4a", "Remote", "SendName")]
    [InlineData("host.test", "Socks4a", "Both", "ResolveLocallyOrSendName")]
    [InlineData("host.test", "Socks4", "Local", "ResolveLocally")]
    // SOCKS4 cannot carry a name, so "both" can only mean local there.
    [InlineData("host.test", "Socks4", "Both", "ResolveLocally")]
    public void Plans(string host, string type, string mode, string plan)
    {
        ProxyDns.Plan(host, Enum.Parse<ProxyType>(type), Enum.Parse<ProxyDnsMode>(mode), out string? error).ShouldBe(Enum.Parse<TargetPlan>(plan));
        error.ShouldBeNull();
    }

    [Theory]
    [InlineData("host.test", "Socks4", "Remote", "--proxy-type socks4 cannot send the name 'host.test' to the proxy (--proxy-dns remote); use --proxy-type socks4a, or --proxy-dns local")]
    [InlineData("host.test", "Socks5", "None", "--proxy-dns none accepts only addresses, not the name 'host.test'")]
    [InlineData("::1", "Socks4", "Local", "--proxy-type socks4 cannot carry the IPv6 address ::1; use --proxy-type socks5 or http")]
    [InlineData("::1", "Socks4a", "Remote", "--proxy-type socks4a cannot carry the IPv6 address ::1; use --proxy-type socks5 or http")]
    public void Impossible_combinations_are_usage_errors(string host, string type, string mode, string message)
    {
        ProxyDns.Plan(host, Enum.Parse<ProxyType>(type), Enum.Parse<ProxyDnsMode>(mode), out string? error);
        error.ShouldBe(message);
    }

    private static readonly Func<string, CancellationToken, Task<IPAddress[]>> Names = (host, _) => host switch
    {
        "dual.test" => Task.FromResult(new[] { IPAddress.Parse("::5"), IPAddress.Parse("127.0.0.5") }),
        "v6only.test" => Task.FromResult(new[] { IPAddress.Parse("::5") }),
        _ => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound)),
    };

    private static Task<ProxyTarget> Resolve(string host, ProxyType type, ProxyDnsMode mode) =>
        ProxyDns.ResolveAsync(host, 80, new ProxySettings("127.0.0.1", 1080, type, null, mode), Names, CancellationToken.None);

    [Fact]
    public async Task Local_resolution_sends_the_first_address()
    {
        (await Resolve("dual.test", ProxyType.Socks5, ProxyDnsMode.Local)).Address.ShouldBe(IPAddress.Parse("::5"));
        (await Resolve("dual.test", ProxyType.Socks4, ProxyDnsMode.Local)).Address.ShouldBe(IPAddress.Parse("127.0.0.5"));
    }

    [Fact]
    public async Task Both_falls_back_to_the_name()
    {
        ProxyTarget target = await Resolve("gone.test", ProxyType.Socks5, ProxyDnsMode.Both);
        target.ShouldBe(ProxyTarget.ForName("gone.test", 80));
        (await Resolve("v6only.test", ProxyType.Socks4a, ProxyDnsMode.Both)).ShouldBe(ProxyTarget.ForName("v6only.test", 80));
    }

    [Fact]
    public async Task Local_failure_is_a_run_time_error_with_a_hint()
    {
        DotcatException e = await Should.ThrowAsync<DotcatException>(() => Resolve("gone.test", ProxyType.Http, ProxyDnsMode.Local));
        e.ExitCode.ShouldBe(ExitCodes.Failure);
        e.Message.ShouldBe("cannot resolve 'gone.test' here: name not found (--proxy-dns remote lets the proxy resolve it)");
        (await Should.ThrowAsync<DotcatException>(() => Resolve("v6only.test", ProxyType.Socks4, ProxyDnsMode.Local))).Message
            .ShouldBe("cannot resolve 'v6only.test' here: it has no IPv4 address (SOCKS4 carries IPv4 only) (--proxy-type socks4a lets the proxy resolve it)");
    }

    [Fact]
    public async Task Remote_never_resolves_and_mapped_literals_are_unmapped()
    {
        (await Resolve("gone.test", ProxyType.Socks5, ProxyDnsMode.Remote)).ShouldBe(ProxyTarget.ForName("gone.test", 80));
        (await Resolve("::ffff:127.0.0.1", ProxyType.Socks4, ProxyDnsMode.Local)).Address.ShouldBe(IPAddress.Loopback);
        (await Should.ThrowAsync<UsageException>(() => Resolve("gone.test", ProxyType.Socks4, ProxyDnsMode.Remote))).ExitCode.ShouldBe(ExitCodes.Usage);
    }
}
