using System.Net;
using System.Net.Sockets;
using System.Text;
using Dotcat.Diagnostics;

using Dotcat.Model;

namespace Dotcat.Proxy;

/// <summary>What the proxy is asked to connect to: an address, or a host name the proxy resolves.</summary>
internal sealed record ProxyTarget(string Host, IPAddress? Address, int Port)
{
    public static ProxyTarget ForAddress(IPAddress address, int port) => new(address.ToString(), address, port);

    public static ProxyTarget ForName(string name, int port) => new(name, null, port);

    public string Display => ProxyText.Format(Host, Port);
}

/// <summary>How a target host is to be handed to the proxy (see <see cref="ProxyDns.Plan"/>).</summary>
internal enum TargetPlan
{
    /// <summary>The host is an address literal: send it as it is.</summary>
    SendAddress,

    /// <summary>Resolve here and send the address; a name that does not resolve is an error.</summary>
    ResolveLocally,

    /// <summary>Resolve here; when that fails, send the name.</summary>
    ResolveLocallyOrSendName,

    /// <summary>Send the name for the proxy to resolve.</summary>
    SendName,
}

/// <summary>
/// <c>--proxy-dns</c> as ncat applies it (ncat_connect.c: a literal is always sent as an address; <c>local</c>
/// resolves and fails when it cannot, <c>remote</c> never resolves a name, <c>both</c> tries here and falls back to
/// the proxy, <c>none</c> accepts literals only), plus what SOCKS4 cannot do: carry a name (that is SOCKS4a) or an
/// IPv6 address.
/// </summary>
internal static class ProxyDns
{
    /// <summary>The plan for <paramref name="host"/>; a combination that cannot work is a usage error.</summary>
    public static TargetPlan Plan(string host, ProxyType type, ProxyDnsMode mode, out string? usageError)
    {
        ArgumentNullException.ThrowIfNull(host);
        bool socks4 = type is ProxyType.Socks4 or ProxyType.Socks4a;
        usageError = null;
        if (IPAddress.TryParse(Unbracket(host), out IPAddress? literal))
        {
            if (socks4 && literal.AddressFamily == AddressFamily.InterNetworkV6 && !literal.IsIPv4MappedToIPv6)
                usageError = $"--proxy-type {Name(type)} cannot carry the IPv6 address {host}; use --proxy-type socks5 or http";
            return TargetPlan.SendAddress;
        }

        if (Encoding.UTF8.GetByteCount(host) > 255)
            usageError = $"the host name '{host[..40]}...' is longer than a proxy request allows (255 bytes)";
        else if (mode == ProxyDnsMode.None)
            usageError = $"--proxy-dns none accepts only addresses, not the name '{host}'";
        else if (type == ProxyType.Socks4 && mode == ProxyDnsMode.Remote)
            usageError = $"--proxy-type socks4 cannot send the name '{host}' to the proxy (--proxy-dns remote); use --proxy-type socks4a, or --proxy-dns local";
        return (type, mode) switch
        {
            (_, ProxyDnsMode.Local) or (ProxyType.Socks4, _) => TargetPlan.ResolveLocally,
            (_, ProxyDnsMode.Both) => TargetPlan.ResolveLocallyOrSendName,
            _ => TargetPlan.SendName,
        };
    }

    /// <summary>
    /// Applies the plan: the target to ask the proxy for. Local resolution uses <paramref name="resolve"/> (which
    /// applies -4/-6) and keeps IPv4 answers only for SOCKS4/4a. Usage errors are thrown as <see cref="UsageException"/>,
    /// a name that must resolve here but does not as a <see cref="DotcatException"/> (exit 1).
    /// </summary>
    public static async Task<ProxyTarget> ResolveAsync(
        string host, int port, ProxySettings settings, Func<string, CancellationToken, Task<IPAddress[]>> resolve,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(resolve);
        TargetPlan plan = Plan(host, settings.Type, settings.Dns, out string? usageError);
        if (usageError is not null)
            throw new UsageException(usageError);
        if (plan == TargetPlan.SendAddress)
            return ProxyTarget.ForAddress(Unmapped(IPAddress.Parse(Unbracket(host))), port);
        if (plan == TargetPlan.SendName)
            return ProxyTarget.ForName(host, port);

        string? failure;
        try
        {
            IPAddress[] addresses = await resolve(host, cancellationToken);
            bool ipv4Only = settings.Type is ProxyType.Socks4 or ProxyType.Socks4a;
            IPAddress? usable = addresses.Select(Unmapped).FirstOrDefault(a => !ipv4Only || a.AddressFamily == AddressFamily.InterNetwork);
            if (usable is not null)
                return ProxyTarget.ForAddress(usable, port);
            failure = addresses.Length > 0 && ipv4Only ? "it has no IPv4 address (SOCKS4 carries IPv4 only)" : "name not found";
        }
        catch (SocketException e)
        {
            failure = SocketErrors.Describe(e.SocketErrorCode);
        }

        if (plan == TargetPlan.ResolveLocallyOrSendName)
            return ProxyTarget.ForName(host, port);
        string hint = settings.Type == ProxyType.Socks4 ? "--proxy-type socks4a lets the proxy resolve it" : "--proxy-dns remote lets the proxy resolve it";
        throw new DotcatException($"cannot resolve '{host}' here: {failure} ({hint})");
    }

    private static string Name(ProxyType type) => type.ToString().ToLowerInvariant();

    private static string Unbracket(string host) =>
        host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
