using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dotcat.Tests.Proxy;

/// <summary>
/// A connected pair of loopback TCP streams: one end plays a scripted proxy (or client), the other runs the code
/// under test. Every test using it has a timeout through <see cref="Timeout"/>.
/// </summary>
internal sealed class ProxyLoopback : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Socket _near;
    private readonly Socket _far;

    private ProxyLoopback(Socket near, Socket far)
    {
        _near = near;
        _far = far;
        Near = new NetworkStream(near, ownsSocket: false);
        Far = new NetworkStream(far, ownsSocket: false);
    }

    /// <summary>The end the code under test uses.</summary>
    public NetworkStream Near { get; }

    /// <summary>The scripted peer's end.</summary>
    public NetworkStream Far { get; }

    public static async Task<ProxyLoopback> OpenAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var near = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Task<Socket> accept = listener.AcceptAsync();
        await near.ConnectAsync(listener.LocalEndPoint!);
        Socket far = await accept;
        far.NoDelay = true;
        return new ProxyLoopback(near, far);
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes from the far end.</summary>
    public async Task<byte[]> FarReadAsync(int count)
    {
        var bytes = new byte[count];
        await Far.ReadExactlyAsync(bytes).AsTask().WaitAsync(Timeout);
        return bytes;
    }

    /// <summary>Reads an HTTP head (to the blank line) from the far end, byte by byte so nothing after it is taken.</summary>
    public async Task<string> FarReadHeadAsync()
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            await Far.ReadExactlyAsync(one).AsTask().WaitAsync(Timeout);
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    public async Task FarWriteAsync(params byte[] bytes) => await Far.WriteAsync(bytes);

    public async Task FarWriteAsync(string text) => await Far.WriteAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>Half-closes the far end: the code under test sees EOF.</summary>
    public void FarShutdown() => _far.Shutdown(SocketShutdown.Send);

    public void NearShutdown() => _near.Shutdown(SocketShutdown.Send);

    public async ValueTask DisposeAsync()
    {
        await Near.DisposeAsync();
        await Far.DisposeAsync();
        _near.Dispose();
        _far.Dispose();
    }
}
