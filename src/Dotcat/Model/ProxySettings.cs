namespace Dotcat.Model;

/// <summary><c>--proxy-type</c>: the protocol spoken to the proxy.</summary>
internal enum ProxyType
{
    Http,
    Socks4,
    Socks4a,
    Socks5,
}

/// <summary>
/// <c>--proxy-dns</c>, as ncat defines it: where a target's host name is resolved. <see cref="Local"/>: here, and a
/// name that does not resolve is an error; <see cref="Remote"/>: names go to the proxy as they are (ncat's default);
/// <see cref="Both"/>: here first, the proxy when that fails; <see cref="None"/>: no resolution at all, only address
/// literals are accepted.
/// </summary>
internal enum ProxyDnsMode
{
    Local,
    Remote,
    Both,
    None,
}

/// <summary><c>--proxy-auth USER:PASS</c>, split at the first colon (a password may contain colons).</summary>
internal sealed record ProxyCredentials(string User, string Password)
{
    /// <summary>Never print the password, not even in a debugger or a test failure.</summary>
    public override string ToString() => $"{User}:***";
}

/// <summary>
/// Everything needed to reach a target through a proxy, checked once: where the proxy is, what it speaks, who we are
/// to it, and where target names are resolved. Built by the binder (<c>ProxyParsers.CreateSettings</c>) from the option values as typed.
/// </summary>
internal sealed record ProxySettings(string Host, int Port, ProxyType Type, ProxyCredentials? Credentials, ProxyDnsMode Dns)
{
    public const int SocksPort = 1080;
    public const int HttpPort = 3128;

    /// <summary>Where messages say the proxy is: <c>127.0.0.1:1080</c>, <c>[::1]:3128</c>.</summary>
    public string Display => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
