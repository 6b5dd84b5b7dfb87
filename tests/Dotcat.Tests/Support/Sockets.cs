using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dotcat.Tests.Support;

/// <summary>Small socket helpers for tests: connect to a local port, read to EOF, read until some text arrived.</summary>
internal static class Sockets
{
    public static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    public static async Task SendAsync(this Socket socket, string text) =>
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), SocketFlags.None);

    public static async Task<byte[]> ReadToEndAsync(this Socket socket)
    {
        using var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            all.Write(buffer, 0, read);
        return all.ToArray();
    }

    /// <summary>Reads until the text received so far contains <paramref name="expected"/>; returns all of it.</summary>
    public static async Task<string> ReadUntilAsync(this Socket socket, string expected)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[4096];
        while (!text.ToString().Contains(expected, StringComparison.Ordinal))
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None);
            if (read == 0)
                throw new EndOfStreamException($"EOF before '{expected}'; got: {text}");
            int count = decoder.GetChars(buffer, 0, read, chars, 0);
            text.Append(chars, 0, count);
        }
        return text.ToString();
    }
}
