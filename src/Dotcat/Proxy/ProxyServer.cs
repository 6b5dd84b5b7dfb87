using System.Net;
using System.Net.Sockets;
using Dotcat.Diagnostics;

namespace Dotcat.Proxy;

/// <summary>Opens the outbound TCP connection a proxy client asked for (the caller's connector: resolution, -4/-6, -s).</summary>
internal delegate Task<Socket> ProxyConnect(string host, int port, CancellationToken cancellationToken);

/// <summary>
/// Relays the client and the target until both are done. <paramref name="clientLeftover"/> are bytes the client sent
/// after its request; they go to the target before anything else.
/// </summary>
internal delegate Task ProxyRelay(Stream client, ReadOnlyMemory<byte> clientLeftover, Socket target, CancellationToken cancellationToken);

/// <summary>How one proxy client went: what it asked for, and why it was not served (null when it was).</summary>
internal sealed record ProxyOutcome(ProxyRequest? Request, string? Failure)
{
    public bool Served => Failure is null;
}

/// <summary>
/// Serves one proxy client end to end: the handshake (bounded by <see cref="HandshakeTimeout"/>, which also covers
/// the outbound connect), the outbound connection, the reply that says how it went, then the relay. A misbehaving
/// client never throws out of here: it ends as a <see cref="ProxyOutcome"/> with the reason, for a <c>-v</c> line.
/// The listener loop, access control and the relay itself belong to the caller.
/// </summary>
internal sealed class ProxyServer(ProxyServerHandshake handshake, ProxyConnect connect, ProxyRelay relay)
{
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    public TimeSpan HandshakeTimeout { get; init; } = DefaultHandshakeTimeout;

    public async Task<ProxyOutcome> ServeAsync(Stream client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ProxyRequest? request = null;
        Socket? target = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(HandshakeTimeout);
        try
        {
            request = await handshake.ReadRequestAsync(client, deadline.Token);
            try
            {
                target = await connect(request.Host, request.Port, deadline.Token);
            }
            catch (SocketException e)
            {
                await handshake.FailedAsync(client, e.SocketErrorCode, deadline.Token);
                await LingerAsync(client, cancellationToken);
                return new ProxyOutcome(request, $"cannot connect to {request.Display}: {SocketErrors.Describe(e.SocketErrorCode)}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await handshake.FailedAsync(client, SocketError.TimedOut, CancellationToken.None);
                return new ProxyOutcome(request, $"cannot connect to {request.Display}: timed out");
            }
            catch (DotcatException e) when (e is not ProxyException)
            {
                // The connector's own one-line failure; its inner SocketException, when it kept one, picks the reply.
                SocketError error = (e.InnerException as SocketException)?.SocketErrorCode ?? SocketError.SocketError;
                await handshake.FailedAsync(client, error, deadline.Token, e.Message);
                await LingerAsync(client, cancellationToken);
                return new ProxyOutcome(request, e.Message);
            }

            await handshake.SucceededAsync(client, target.LocalEndPoint as IPEndPoint, deadline.Token);
        }
        catch (ProxyException e)
        {
            target?.Dispose();
            await LingerAsync(client, cancellationToken);
            return new ProxyOutcome(request, e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            target?.Dispose();
            await LingerAsync(client, cancellationToken);
            return new ProxyOutcome(request, "the proxy handshake timed out");
        }
        catch (IOException e)
        {
            target?.Dispose();
            string reason = e.InnerException is SocketException s ? SocketErrors.Describe(s.SocketErrorCode) : "connection lost";
            return new ProxyOutcome(request, $"{reason} during the proxy handshake");
        }

        using (target)
            await relay(client, request.Leftover, target, cancellationToken);
        return new ProxyOutcome(request, null);
    }

    /// <summary>
    /// After a refusal: half-close, then read and drop what the client still sends (a little, briefly), so that
    /// closing with unread bytes does not reset the connection and destroy the refusal before the client reads it.
    /// </summary>
    private static async Task LingerAsync(Stream client, CancellationToken cancellationToken)
    {
        using var brief = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        brief.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            (client as NetworkStream)?.Socket.Shutdown(SocketShutdown.Send);
            var buffer = new byte[4096];
            for (int total = 0; total < 64 * 1024;)
            {
                int read = await client.ReadAsync(buffer, brief.Token);
                if (read == 0)
                    return;
                total += read;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone or slow; closing now is all that is left.
        }
    }
}
