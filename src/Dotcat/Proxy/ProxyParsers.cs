using System.Globalization;
using System.Net;
using System.Text;
using Dotcat.Diagnostics;
using Dotcat.Model;

namespace Dotcat.Proxy;

/// <summary>The option parsers; each returns a one-line message for a bad value.</summary>
internal static class ProxyParsers
{
    /// <summary>
    /// The settings for <c>--proxy</c> <paramref name="proxy"/> with the other options as given (null when absent).
    /// Credentials come from <c>--proxy-auth</c>, else <c>DOTCAT_PROXY_AUTH</c>, else <c>NCAT_PROXY_AUTH</c> (read
    /// through <paramref name="environment"/>). Bad values are a <see cref="UsageException"/>.
    /// </summary>
    public static ProxySettings CreateSettings(string proxy, string? type, string? auth, string? dns, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(environment);
        string? error = null;
        ProxyType proxyType = ProxyType.Http;
        if (type is not null && !ProxyParsers.TryParseType(type, out proxyType, out error))
            throw new UsageException(error!);
        if (!ProxyParsers.TryParseEndpoint(proxy, out string host, out int? port, out error))
            throw new UsageException(error!);

        ProxyDnsMode dnsMode = proxyType == ProxyType.Socks4 ? ProxyDnsMode.Local : ProxyDnsMode.Remote;
        if (dns is not null && !ProxyParsers.TryParseDnsMode(dns, out dnsMode, out error))
            throw new UsageException(error!);

        ProxyCredentials? credentials = null;
        if (auth is not null)
        {
            if (!ProxyParsers.TryParseCredentials(auth, "--proxy-auth", out credentials, out error))
                throw new UsageException(error!);
        }
        else if (!ProxyParsers.TryCredentialsFromEnvironment(environment, out credentials, out error))
        {
            throw new UsageException(error!);
        }

        if (credentials is not null && proxyType == ProxyType.Socks5 && !ProxyParsers.FitsSocks5(credentials, out error))
            throw new UsageException(error!);

        int defaultPort = proxyType == ProxyType.Http ? ProxySettings.HttpPort : ProxySettings.SocksPort;
        return new ProxySettings(host, port ?? defaultPort, proxyType, credentials, dnsMode);
    }

    public const string AuthVariable = "DOTCAT_PROXY_AUTH";
    public const string NcatAuthVariable = "NCAT_PROXY_AUTH";

    public static bool TryParseType(string text, out ProxyType type, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        (type, error) = text.ToLowerInvariant() switch
        {
            "http" => (ProxyType.Http, null),
            "socks4" or "4" => (ProxyType.Socks4, null),
            "socks4a" => (ProxyType.Socks4a, null),
            "socks5" or "5" => (ProxyType.Socks5, null),
            _ => (ProxyType.Http, $"--proxy-type must be socks4, socks4a, socks5 or http, not '{text}'"),
        };
        return error is null;
    }

    public static bool TryParseDnsMode(string text, out ProxyDnsMode mode, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        (mode, error) = text.ToLowerInvariant() switch
        {
            "local" => (ProxyDnsMode.Local, null),
            "remote" => (ProxyDnsMode.Remote, null),
            "both" => (ProxyDnsMode.Both, null),
            "none" => (ProxyDnsMode.None, null),
            _ => (ProxyDnsMode.Remote, $"--proxy-dns must be local, remote, both or none, not '{text}'"),
        };
        return error is null;
    }

    /// <summary>
    /// <c>HOST</c>, <c>HOST:PORT</c>, <c>[V6]</c>, <c>[V6]:PORT</c>, or a bare IPv6 literal (all of it is the host:
    /// a port after an IPv6 address needs the brackets). <paramref name="port"/> is null when none was given.
    /// </summary>
    public static bool TryParseEndpoint(string text, out string host, out int? port, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        host = "";
        port = null;
        string hostPart = text;
        string? portPart = null;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            string rest = close < 0 ? "" : text[(close + 1)..];
            if (close < 0 || (rest.Length > 0 && rest[0] != ':'))
            {
                error = $"--proxy '{text}': expected [IPV6]:PORT";
                return false;
            }
            hostPart = text[1..close];
            portPart = rest.Length > 0 ? rest[1..] : null;
            if (!IPAddress.TryParse(hostPart, out IPAddress? v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                error = $"--proxy '{text}': '{hostPart}' in brackets is not an IPv6 address";
                return false;
            }
        }
        else if (text.Count(c => c == ':') == 1)
        {
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            hostPart = text[..colon];
            portPart = text[(colon + 1)..];
        }
        else if (text.Contains(':', StringComparison.Ordinal) && !IPAddress.TryParse(text, out _))
        {
            error = $"--proxy '{text}': not HOST[:PORT] (write an IPv6 address with a port as [V6]:PORT)";
            return false;
        }

        if (hostPart.Length == 0)
        {
            error = $"--proxy '{text}': the host is missing";
            return false;
        }
        if (portPart is not null)
        {
            if (!int.TryParse(portPart, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number is < 1 or > 65535)
            {
                error = $"--proxy '{text}': the port must be 1 to 65535";
                return false;
            }
            port = number;
        }
        host = hostPart;
        error = null;
        return true;
    }

    /// <summary><c>USER:PASS</c>; <paramref name="source"/> names the option or variable in the message.</summary>
    public static bool TryParseCredentials(string text, string source, out ProxyCredentials? credentials, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        credentials = null;
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = $"{source} must be USER:PASS";
            return false;
        }
        credentials = new ProxyCredentials(text[..colon], text[(colon + 1)..]);
        error = null;
        return true;
    }

    /// <summary>
    /// <c>DOTCAT_PROXY_AUTH</c>, else ncat's <c>NCAT_PROXY_AUTH</c>, so a password need not appear on the command line
    /// (where <c>ps</c> shows it). An empty variable counts as unset. No credentials at all is not an error.
    /// </summary>
    public static bool TryCredentialsFromEnvironment(Func<string, string?> environment, out ProxyCredentials? credentials, out string? error)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (string name in (ReadOnlySpan<string>)[AuthVariable, NcatAuthVariable])
        {
            string? value = environment(name);
            if (!string.IsNullOrEmpty(value))
                return TryParseCredentials(value, name, out credentials, out error);
        }
        credentials = null;
        error = null;
        return true;
    }

    /// <summary>RFC 1929 carries the user name and the password in 1 to 255 bytes each.</summary>
    public static bool FitsSocks5(ProxyCredentials credentials, out string? error)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        error = (Encoding.UTF8.GetByteCount(credentials.User), Encoding.UTF8.GetByteCount(credentials.Password)) switch
        {
            ( > 255, _) => "--proxy-auth: a SOCKS5 user name is at most 255 bytes",
            (_, 0) => "--proxy-auth: SOCKS5 needs a password of at least 1 byte",
            (_, > 255) => "--proxy-auth: a SOCKS5 password is at most 255 bytes",
            _ => null,
        };
        return error is null;
    }
}

/// <summary>Spelling of hosts and ports in messages and requests (Proxy is self-contained, so its own copy).</summary>
internal static class ProxyText
{
    public static string Format(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal)
            ? $"[{host}]:{port.ToString(CultureInfo.InvariantCulture)}"
            : $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Text the peer sent, made safe for one message line: control bytes as <c>?</c>, at most 100 characters.</summary>
    public static string Quote(ReadOnlySpan<byte> bytes)
    {
        string text = Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, 100)]);
        var safe = new StringBuilder(text.Length + 2).Append('\'');
        foreach (char c in text)
            safe.Append(c is < ' ' or (>= '\x7f' and < '\xa0') ? '?' : c);
        return safe.Append(bytes.Length > 100 ? "...'" : "'").ToString();
    }
}
