using Dotcat.Diagnostics;
using Dotcat.Model;

namespace Dotcat.Transports;

/// <summary>Opens one connection to the peer (connect mode).</summary>
internal interface IConnector
{
    Task<Connection> ConnectAsync(CancellationToken cancellationToken);
}

/// <summary>A connection made into another (TLS: the same peer, its bytes through an <c>SslStream</c>).</summary>
internal delegate ValueTask<Connection> ConnectionWrapper(Connection connection, CancellationToken cancellationToken);

/// <summary>Whether an accepted connection is served at all (access control); a refused one is closed unserved.</summary>
internal delegate ValueTask<bool> ConnectionFilter(Connection connection, CancellationToken cancellationToken);

/// <summary>
/// The three places where what is not a plain socket plugs in, each chosen once per run from the options:
/// <list type="bullet">
/// <item><see cref="Connector"/>: how connect mode OPENS its connection (a proxy is another connector).</item>
/// <item><see cref="Wrapper"/>: what every connection, opened or accepted, becomes before it is served (TLS wraps here).</item>
/// <item><see cref="Filter"/>: which accepted connections are served, decided before they count toward <c>-m</c>
/// (access control).</item>
/// </list>
/// </summary>
internal static class ConnectionLayers
{
    public static IConnector Connector(DotcatOptions options, Log log) =>
        options.Proxy is { } proxy ? new ProxyConnector(options, proxy, log) : new SocketConnector(options, log);

    public static ConnectionWrapper Wrapper(DotcatOptions options, Log log) =>
        TlsLayer.For(options, log) ?? (static (connection, _) => ValueTask.FromResult(connection));

    public static ConnectionFilter Filter(DotcatOptions options, Log log) => AccessFilter.For(options, log);
}
