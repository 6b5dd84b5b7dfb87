using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dotcat.Cli;
using Dotcat.Diagnostics;

namespace Dotcat.Transports;

/// <summary>Connect mode's socket: tries every address the host resolves to, in order, within one <c>-w</c> budget.</summary>
internal static class Connector
{
    public static async Task<Socket> ConnectStreamAsync(DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        IPAddress[] addresses = await Resolver.ResolveAsync(options.Host!, options.Family, cancellationToken);
        return await ConnectFirstAsync(addresses, options, log, cancellationToken);
    }

    /// <summary>The first of <paramref name="addresses"/> that accepts, tried in order (<c>localhost</c>: ::1, then 127.0.0.1).</summary>
    public static async Task<Socket> ConnectFirstAsync(IPAddress[] addresses, DotcatOptions options, Log log, CancellationToken cancellationToken)
    {
        IPAddress? source = options.SourceAddress is { } s
            ? (await Resolver.ResolveAsync(Endpoints.StripBrackets(s), options.Family, cancellationToken))[0]
            : null;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.ConnectTimeout is { } timeout)
            deadline.CancelAfter(timeout);

        SocketError lastError = SocketError.AddressFamilyNotSupported;
        foreach (IPAddress address in addresses)
        {
            if (source is not null && source.AddressFamily != address.AddressFamily)
                continue;
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (source is not null || options.SourcePort is not null)
                    socket.Bind(new IPEndPoint(source ?? AnyOf(address.AddressFamily), options.SourcePort ?? 0));
                await socket.ConnectAsync(new IPEndPoint(address, options.Port), deadline.Token);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                lastError = e.SocketErrorCode;
                log.Info($"cannot connect to {Endpoints.Format(address.ToString(), options.Port)}: {SocketErrors.Describe(lastError)}", level: 2);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                string seconds = options.ConnectTimeout!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                throw new DotcatException($"cannot connect to {options.Target}: timed out after {seconds}s");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new DotcatException($"cannot connect to {options.Target}: {SocketErrors.Describe(lastError)}");
    }

    public static IPAddress AnyOf(AddressFamily family) =>
        family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
}
