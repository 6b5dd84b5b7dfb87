using System.CommandLine;
using System.Net;
using Dotcat.Access;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Proxy;

namespace Dotcat.Cli;

/// <summary>The rules of proxies (<c>--proxy</c>, <c>-l --proxy-type</c>) and access control (<c>--allow</c> ...).</summary>
internal static partial class OptionsBinder
{
    /// <summary>
    /// <c>--proxy</c> in connect mode: a TCP connection through a proxy. <c>-l --proxy-type socks5|http</c>: dotcat
    /// serves as that proxy, to many clients at once, bound to loopback unless HOST is given. Runs after the service
    /// is bound, so a proxy server conflicts with <c>-e</c>, <c>--respond</c> and the rest like any other service.
    /// </summary>
    private static DotcatOptions BindProxy(DotcatCommand cli, ParseResult parse, DotcatOptions options, Func<string, string?> environment)
    {
        string? proxy = parse.GetValue(cli.Proxy), type = parse.GetValue(cli.ProxyType);
        string? auth = parse.GetValue(cli.ProxyAuth), dns = parse.GetValue(cli.ProxyDns);
        if (proxy is not null)
        {
            Conflict(options.Mode == Mode.Listen, "--proxy", "-l/--listen");
            Conflict(options.IsScan, "--proxy", "-z");
            Conflict(options.Endpoint is Endpoint.Udp, "--proxy", "-u/--udp");
            Conflict(options.Endpoint is Endpoint.Unix, "--proxy", "-U/--unixsock");
            ProxySettings settings = ProxyParsers.CreateSettings(proxy, type, auth, dns, environment);
            ProxyDns.Plan(((Endpoint.Ip)options.Endpoint).Host!, settings.Type, settings.Dns, out string? error);
            if (error is not null)
                throw new UsageException(error);
            return options with { Proxy = settings };
        }

        if (dns is not null)
            throw new UsageException("--proxy-dns needs --proxy");
        if (options.Mode == Mode.Connect)
        {
            if (type is not null || auth is not null)
                throw new UsageException($"{(type is not null ? "--proxy-type" : "--proxy-auth")} needs --proxy (or -l, to serve as a proxy)");
            return options;
        }
        if (type is null)
        {
            if (auth is not null)
                throw new UsageException("--proxy-auth needs --proxy-type with -l/--listen");
            return options;
        }
        return BindProxyServer(options, type, auth);
    }

    private static DotcatOptions BindProxyServer(DotcatOptions options, string type, string? auth)
    {
        if (options.Service is not Service.RelayService)
            throw new UsageException($"cannot use --proxy-type with {options.Service.Option} (-l --proxy-type makes dotcat the proxy)");
        Conflict(options.Endpoint is Endpoint.Udp, "--proxy-type", "-u/--udp");
        Conflict(options.Endpoint is Endpoint.Unix, "--proxy-type", "-U/--unixsock");
        if (!ProxyParsers.TryParseType(type, out ProxyType proxyType, out string? error))
            throw new UsageException(error!);
        if (proxyType is not (ProxyType.Socks5 or ProxyType.Http))
            throw new UsageException($"-l --proxy-type serves socks5 or http, not {type}");
        ProxyCredentials? credentials = null;
        if (auth is not null && !ProxyParsers.TryParseCredentials(auth, "--proxy-auth", out credentials, out error))
            throw new UsageException(error!);
        if (credentials is not null && proxyType == ProxyType.Socks5 && !ProxyParsers.FitsSocks5(credentials, out error))
            throw new UsageException(error!);

        // An open proxy on every address lets anyone reach anything from here: loopback unless HOST says otherwise.
        var endpoint = (Endpoint.Tcp)options.Endpoint;
        if (endpoint.Host is null)
            endpoint = endpoint with { Host = options.Family == IpFamily.IPv6 ? "::1" : "127.0.0.1" };
        return options with { Endpoint = endpoint, Service = new Service.Proxy(proxyType, credentials), KeepOpen = true };
    }

    /// <summary>
    /// <c>--allow</c>, <c>--deny</c>, <c>--allowfile</c>, <c>--denyfile</c>: read, parsed and resolved here, once, so a
    /// bad entry, an unreadable file or a name that does not resolve is a usage error before anything listens.
    /// </summary>
    private static DotcatOptions BindAccess(DotcatCommand cli, ParseResult parse, DotcatOptions options)
    {
        static string[] Files(FileInfo[] files) => [.. files.Select(f => f.FullName)];
        var spec = new AccessSpec(
            ListOf(parse, cli.Allow), ListOf(parse, cli.Deny), Files(ListOf(parse, cli.AllowFile)), Files(ListOf(parse, cli.DenyFile)));
        if (spec.IsEmpty)
            return options;
        string option = spec.Allow.Count > 0 ? "--allow" : spec.Deny.Count > 0 ? "--deny" : spec.AllowFiles.Count > 0 ? "--allowfile" : "--denyfile";
        if (options.Mode == Mode.Connect)
            throw new UsageException($"{option} needs -l/--listen");
        Conflict(options.Endpoint is Endpoint.Unix, option, "-U/--unixsock");

        Task<IPAddress[]> Resolve(string name, CancellationToken cancellationToken) =>
            options.NumericOnly
                ? throw new UsageException($"-n/--nodns forbids names, and {option} names '{name}'")
                : Dns.GetHostAddressesAsync(name, cancellationToken);

        // The binder is synchronous and runs once, before anything else: waiting here blocks nothing that could run.
        var notes = new List<string>();
        AccessList list = AccessListBuilder.BuildAsync(spec, Resolve, notes.Add, CancellationToken.None).GetAwaiter().GetResult();
        return options with { Access = list, AccessNotes = notes };
    }
}
