using System.Net;
using System.Net.Sockets;
using Dotcat.Proxy;

namespace Dotcat.Tests.Proxy;

/// <summary>
/// dotcat's proxy server in a tiny accept loop on a loopback port, with a plain two-way copy as its relay (the real
/// listener and relay are wired in later). Outcomes are collected so tests can check what the server said.
/// </summary>
internal sealed class TestProxyHost : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<Task> _clients = [];

    public TestProxyHost(ProxyType type, ProxyCredentials? credentials = null, TimeSpan? handshakeTimeout = null)
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        var server = new ProxyServer(ProxyServerHandshake.For(type, credentials), ConnectAsync, RelayAsync)
        {
            HandshakeTimeout = handshakeTimeout ?? ProxyServer.DefaultHandshakeTimeout,
        };
        _loop = AcceptLoopAsync(server);
    }

    public int Port { get; }

    public List<ProxyOutcome> Outcomes { get; } = [];

    private async Task AcceptLoopAsync(ProxyServer server)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_clients)
                _clients.Add(ServeAsync(server, client));
        }
    }

    private async Task ServeAsync(ProxyServer server, Socket client)
    {
        using (client)
        await using (var stream = new NetworkStream(client, ownsSocket: false))
        {
            ProxyOutcome outcome = await server.ServeAsync(stream, _stop.Token);
            lock (Outcomes)
                Outcomes.Add(outcome);
        }
    }

    public ProxyOutcome[] Snapshot()
    {
        lock (Outcomes)
            return [.. Outcomes];
    }

    /// <summary>Waits until <paramref name="count"/> clients have finished (bounded).</summary>
    public async Task<ProxyOutcome[]> WaitForOutcomesAsync(int count)
    {
        using var timeout = new CancellationTokenSource(ProxyLoopback.Timeout);
        while (Snapshot().Length < count)
        {
            Task[] running;
            lock (_clients)
                running = [.. _clients];
            await Task.WhenAny([.. running, Task.Delay(50, timeout.Token)]);
        }
        return Snapshot();
    }

    private static async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Tests only ever target loopback; a name is resolved the ordinary way.
            await socket.ConnectAsync(host, port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task RelayAsync(Stream client, ReadOnlyMemory<byte> leftover, Socket target, CancellationToken cancellationToken)
    {
        await using var targetStream = new NetworkStream(target, ownsSocket: false);
        if (!leftover.IsEmpty)
            await targetStream.WriteAsync(leftover, cancellationToken);
        Task up = CopyThenHalfCloseAsync(client, targetStream, () => target.Shutdown(SocketShutdown.Send), cancellationToken);
        Task down = CopyThenHalfCloseAsync(targetStream, client, () => ((NetworkStream)client).Socket.Shutdown(SocketShutdown.Send), cancellationToken);
        await Task.WhenAll(up, down);
    }

    private static async Task CopyThenHalfCloseAsync(Stream from, Stream to, Action halfClose, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
            halfClose();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
        Task[] running;
        lock (_clients)
            running = [.. _clients];
        await Task.WhenAll(running).WaitAsync(ProxyLoopback.Timeout);
        _stop.Dispose();
    }
}

/// <summary>A loopback target: accepts one client, answers a greeting, echoes what it receives, half-closes at EOF.</summary>
internal sealed class EchoTarget : IDisposable
{
    private readonly Socket _listener;

    public EchoTarget(string greeting = "", AddressFamily family = AddressFamily.InterNetwork)
    {
        _listener = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback, 0));
        _listener.Listen(16);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        Serving = ServeAsync(System.Text.Encoding.ASCII.GetBytes(greeting));
    }

    public int Port { get; }

    /// <summary>Completes with every byte received once the client half-closed.</summary>
    public Task<byte[]> Serving { get; }

    private async Task<byte[]> ServeAsync(byte[] greeting)
    {
        using Socket client = await _listener.AcceptAsync().WaitAsync(ProxyLoopback.Timeout);
        if (greeting.Length > 0)
            await client.SendAsync(greeting);
        var all = new MemoryStream();
        var buffer = new byte[65536];
        int read;
        while ((read = await client.ReceiveAsync(buffer).WaitAsync(ProxyLoopback.Timeout)) > 0)
        {
            all.Write(buffer, 0, read);
            await client.SendAsync(buffer.AsMemory(0, read));
        }
        client.Shutdown(SocketShutdown.Send);
        return all.ToArray();
    }

    public void Dispose() => _listener.Dispose();
}
