using Dotcat.Diagnostics;
using Dotcat.Relay;

namespace Dotcat.Proxy;

/// <summary>A proxy handshake that failed: bad reply, refusal, authentication. One line for the user, exit 1.</summary>
internal sealed class ProxyException(string message) : DotcatException(message);

/// <summary>Exact-length reads for the binary protocols: never more than the reply, so no target byte is taken.</summary>
internal static class ProxyIO
{
    /// <summary>Fills <paramref name="buffer"/>; EOF first is a <see cref="ProxyException"/> naming <paramref name="what"/>.</summary>
    public static async ValueTask ReadExactAsync(Stream stream, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer[filled..], cancellationToken);
            if (read == 0)
                throw new ProxyException($"the connection closed in the middle of the {what}");
            filled += read;
        }
    }
}

/// <summary>An HTTP message head (request or status line and headers) and the bytes read after it.</summary>
internal sealed record HttpHead(string StartLine, IReadOnlyList<(string Name, string Value)> Headers, ReadOnlyMemory<byte> Leftover)
{
    /// <summary>The biggest head accepted, start line and headers together.</summary>
    public const int Limit = 16 * 1024;

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>
    /// Reads up to the blank line that ends the head (CR LF or a bare LF), at most <see cref="Limit"/> bytes. Bytes the
    /// peer sent after it are in <see cref="Leftover"/>. <paramref name="what"/> ("reply", "request") names the head
    /// in errors: EOF before its end, an oversized head, or a header line without a colon.
    /// </summary>
    public static async Task<HttpHead> ReadAsync(Stream stream, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[Limit];
        int filled = 0;
        int end;
        int scanned = 0;
        while ((end = FindEnd(buffer.AsSpan(0, filled), ref scanned)) < 0)
        {
            if (filled == buffer.Length)
                throw new ProxyException($"the HTTP {what} head is larger than {Limit / 1024} KiB");
            int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                throw new ProxyException(filled == 0
                    ? $"the connection closed without an HTTP {what}"
                    : $"the connection closed in the middle of the HTTP {what} head");
            }
            filled += read;
        }

        string[] lines = System.Text.Encoding.Latin1.GetString(buffer, 0, end).Split('\n')
            .Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0)
            throw new ProxyException($"the HTTP {what} is empty");
        var headers = new List<(string, string)>(lines.Length - 1);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                throw new ProxyException($"malformed header line in the HTTP {what}: {ProxyText.Quote(System.Text.Encoding.Latin1.GetBytes(line))}");
            headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
        return new HttpHead(lines[0], headers, buffer.AsMemory(end, filled - end).ToArray());
    }

    /// <summary>The index just past the blank line (LF LF, with optional CRs), or -1; resumes at <paramref name="scanned"/>.</summary>
    private static int FindEnd(ReadOnlySpan<byte> data, ref int scanned)
    {
        for (int i = Math.Max(scanned, 0); i < data.Length; i++)
        {
            if (data[i] != '\n')
                continue;
            int next = i + 1;
            if (next < data.Length && data[next] == '\r')
                next++;
            if (next < data.Length && data[next] == '\n')
                return next + 1;
            if (next >= data.Length)
            {
                scanned = i;
                return -1;
            }
        }
        scanned = data.Length;
        return -1;
    }
}

/// <summary>
/// The connection through the proxy, ready for data. <see cref="Leftover"/> holds bytes the proxy already passed on
/// from the target (read together with an HTTP reply); they come before anything else read from <see cref="Stream"/>.
/// </summary>
internal sealed record ProxyTunnel(Stream Stream, ReadOnlyMemory<byte> Leftover)
{
    /// <summary>A stream that replays <see cref="Leftover"/> first, for callers that want one stream.</summary>
    public Stream AsStream() => Leftover.IsEmpty ? Stream : new ReplayStream(Stream, Leftover);
}

/// <summary>Reads some bytes already received before the inner stream's; writes go straight through.</summary>
internal sealed class ReplayStream(Stream inner, ReadOnlyMemory<byte> first) : ForwardingStream(inner)
{
    private ReadOnlyMemory<byte> _first = first;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _first.IsEmpty || buffer.IsEmpty ? Inner.ReadAsync(buffer, cancellationToken) : ValueTask.FromResult(Replay(buffer.Span));

    public override int Read(Span<byte> buffer) => _first.IsEmpty || buffer.IsEmpty ? Inner.Read(buffer) : Replay(buffer);

    private int Replay(Span<byte> buffer)
    {
        int count = Math.Min(buffer.Length, _first.Length);
        _first.Span[..count].CopyTo(buffer);
        _first = _first[count..];
        return count;
    }
}
