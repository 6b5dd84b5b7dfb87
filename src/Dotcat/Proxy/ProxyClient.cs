using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

using Dotcat.Model;

namespace Dotcat.Proxy;

/// <summary>
/// The client side of the proxy handshakes, over a stream already connected to the proxy. On success the stream
/// carries the target's bytes; every bad or refusing reply is one <see cref="ProxyException"/> line naming the proxy.
/// Every read is bounded by the caller's token (the caller applies <c>-w</c>), so a silent proxy never hangs us.
/// </summary>
internal static class ProxyClient
{
    public static async Task<ProxyTunnel> HandshakeAsync(Stream proxy, ProxySettings settings, ProxyTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(target);
        CheckCarriable(settings.Type, target);
        try
        {
            ReadOnlyMemory<byte> leftover = ReadOnlyMemory<byte>.Empty;
            switch (settings.Type)
            {
                case ProxyType.Socks4 or ProxyType.Socks4a:
                    await Socks4Async(proxy, settings, target, cancellationToken);
                    break;
                case ProxyType.Socks5:
                    await Socks5Async(proxy, settings.Credentials, target, cancellationToken);
                    break;
                default:
                    leftover = await HttpConnectAsync(proxy, settings.Credentials, target, cancellationToken);
                    break;
            }
            return new ProxyTunnel(proxy, leftover);
        }
        catch (ProxyException e)
        {
            throw new ProxyException($"proxy {settings.Display}: {e.Message}");
        }
        catch (IOException e) when (e.InnerException is SocketException socket)
        {
            throw new ProxyException($"proxy {settings.Display}: {Diagnostics.SocketErrors.Describe(socket.SocketErrorCode)} during the handshake");
        }
    }

    /// <summary>
    /// What <see cref="ProxyDns.Plan"/> already rules out for command lines, checked again here because a request
    /// built from it would be wrong on the wire: IPv6 over SOCKS4, names over 255 bytes, and white space or control
    /// characters in a name (they would end an HTTP request line or header early).
    /// </summary>
    private static void CheckCarriable(ProxyType type, ProxyTarget target)
    {
        if (type is ProxyType.Socks4 or ProxyType.Socks4a && target.Address is { AddressFamily: AddressFamily.InterNetworkV6 })
            throw new ProxyException($"SOCKS4 cannot carry the IPv6 address {target.Host}");
        if (type == ProxyType.Socks4 && target.Address is null)
            throw new ProxyException($"SOCKS4 cannot carry the name {target.Host} (SOCKS4a can)");
        if (target.Address is null && (Encoding.UTF8.GetByteCount(target.Host) is 0 or > 255 || target.Host.Any(c => c <= ' ' || c == '\x7f')))
            throw new ProxyException($"{ProxyText.Quote(Encoding.UTF8.GetBytes(target.Host))} cannot be sent to a proxy as a host name");
    }

    private static async Task Socks4Async(Stream proxy, ProxySettings settings, ProxyTarget target, CancellationToken cancellationToken)
    {
        var request = new List<byte> { SocksCodes.Version4, SocksCodes.CommandConnect, (byte)(target.Port >> 8), (byte)target.Port };
        // SOCKS4a: the address 0.0.0.x (x nonzero) says "the name follows the user id".
        request.AddRange(target.Address is { } address ? address.GetAddressBytes() : [0, 0, 0, 1]);
        request.AddRange(Encoding.UTF8.GetBytes(settings.Credentials?.User ?? ""));
        request.Add(0);
        if (target.Address is null)
        {
            request.AddRange(Encoding.UTF8.GetBytes(target.Host));
            request.Add(0);
        }
        await proxy.WriteAsync(request.ToArray(), cancellationToken);
        await proxy.FlushAsync(cancellationToken);

        var reply = new byte[8];
        await ProxyIO.ReadExactAsync(proxy, reply, "SOCKS4 reply", cancellationToken);
        // The reply's version is 0 (the protocol's text); some servers answer 4, which is just as clear.
        if (reply[0] is not (0 or SocksCodes.Version4))
            throw new ProxyException($"not a SOCKS4 reply (version byte {SocksCodes.Hex(reply[0])}){HttpHint(reply)}");
        if (reply[1] != SocksCodes.Socks4Granted)
            throw new ProxyException($"SOCKS4 refused {target.Display}: {SocksCodes.Describe4(reply[1])}");
    }

    private static async Task Socks5Async(Stream proxy, ProxyCredentials? credentials, ProxyTarget target, CancellationToken cancellationToken)
    {
        byte[] greeting = credentials is null
            ? [SocksCodes.Version5, 1, SocksCodes.MethodNone]
            : [SocksCodes.Version5, 2, SocksCodes.MethodNone, SocksCodes.MethodUserPass];
        await proxy.WriteAsync(greeting, cancellationToken);
        await proxy.FlushAsync(cancellationToken);

        var choice = new byte[2];
        await ProxyIO.ReadExactAsync(proxy, choice, "SOCKS5 method selection", cancellationToken);
        if (choice[0] != SocksCodes.Version5)
            throw new ProxyException($"not a SOCKS5 reply (version byte {SocksCodes.Hex(choice[0])}){HttpHint(choice)}");
        switch (choice[1])
        {
            case SocksCodes.MethodNone:
                break;
            case SocksCodes.MethodUserPass when credentials is not null:
                await Rfc1929Async(proxy, credentials, cancellationToken);
                break;
            case SocksCodes.MethodNoneAcceptable:
                throw new ProxyException(credentials is null
                    ? "the SOCKS5 proxy requires authentication (give --proxy-auth USER:PASS)"
                    : "the SOCKS5 proxy accepts neither no authentication nor username/password");
            default:
                throw new ProxyException($"the SOCKS5 proxy chose authentication method {SocksCodes.Hex(choice[1])}, which was not offered");
        }

        await proxy.WriteAsync(Socks5Request(target), cancellationToken);
        await proxy.FlushAsync(cancellationToken);

        var head = new byte[5];
        await ProxyIO.ReadExactAsync(proxy, head.AsMemory(0, 4), "SOCKS5 reply", cancellationToken);
        if (head[0] != SocksCodes.Version5)
            throw new ProxyException($"not a SOCKS5 reply (version byte {SocksCodes.Hex(head[0])})");
        if (head[1] != 0)
            throw new ProxyException($"SOCKS5 refused {target.Display}: {SocksCodes.Describe5(head[1])}");
        // The bound address that ends the reply is read and dropped, exactly, so no target byte is taken with it.
        int rest = head[3] switch
        {
            SocksCodes.AddressIPv4 => 4 + 2,
            SocksCodes.AddressIPv6 => 16 + 2,
            SocksCodes.AddressName => -1,
            _ => throw new ProxyException($"malformed SOCKS5 reply: unknown address type {SocksCodes.Hex(head[3])}"),
        };
        if (rest < 0)
        {
            await ProxyIO.ReadExactAsync(proxy, head.AsMemory(4, 1), "SOCKS5 reply", cancellationToken);
            rest = head[4] + 2;
        }
        await ProxyIO.ReadExactAsync(proxy, new byte[rest], "SOCKS5 reply", cancellationToken);
    }

    private static async Task Rfc1929Async(Stream proxy, ProxyCredentials credentials, CancellationToken cancellationToken)
    {
        byte[] user = Encoding.UTF8.GetBytes(credentials.User);
        byte[] password = Encoding.UTF8.GetBytes(credentials.Password);
        if (user.Length is 0 or > 255 || password.Length is 0 or > 255)
            throw new ProxyException("SOCKS5 carries a user name and a password of 1 to 255 bytes each");
        byte[] request = [SocksCodes.UserPassVersion, (byte)user.Length, .. user, (byte)password.Length, .. password];
        await proxy.WriteAsync(request, cancellationToken);
        await proxy.FlushAsync(cancellationToken);

        var status = new byte[2];
        await ProxyIO.ReadExactAsync(proxy, status, "SOCKS5 authentication reply", cancellationToken);
        if (status[0] != SocksCodes.UserPassVersion)
            throw new ProxyException($"malformed SOCKS5 authentication reply (version byte {SocksCodes.Hex(status[0])})");
        if (status[1] != 0)
            throw new ProxyException("the SOCKS5 proxy rejected the user name or password");
    }

    private static byte[] Socks5Request(ProxyTarget target)
    {
        byte[] address = target.Address switch
        {
            { AddressFamily: AddressFamily.InterNetwork } v4 => [SocksCodes.AddressIPv4, .. v4.GetAddressBytes()],
            { } v6 => [SocksCodes.AddressIPv6, .. v6.GetAddressBytes()],
            null => [SocksCodes.AddressName, (byte)Encoding.UTF8.GetByteCount(target.Host), .. Encoding.UTF8.GetBytes(target.Host)],
        };
        var port = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(port, (ushort)target.Port);
        return [SocksCodes.Version5, SocksCodes.CommandConnect, 0, .. address, .. port];
    }

    private static async Task<ReadOnlyMemory<byte>> HttpConnectAsync(Stream proxy, ProxyCredentials? credentials, ProxyTarget target, CancellationToken cancellationToken)
    {
        string authority = target.Display;
        var request = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"CONNECT {authority} HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {authority}\r\n");
        if (credentials is not null)
            request.Append(CultureInfo.InvariantCulture, $"Proxy-Authorization: Basic {BasicToken(credentials)}\r\n");
        request.Append("\r\n");
        await proxy.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancellationToken);
        await proxy.FlushAsync(cancellationToken);

        HttpHead reply = await HttpHead.ReadAsync(proxy, "reply", cancellationToken);
        string[] parts = reply.StartLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal)
            || parts[1].Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int status))
        {
            throw new ProxyException($"malformed HTTP status line: {ProxyText.Quote(Encoding.Latin1.GetBytes(reply.StartLine))}");
        }

        string quoted = ProxyText.Quote(Encoding.Latin1.GetBytes(reply.StartLine));
        // 407 is the standard answer; tinyproxy answers wrong credentials with 401.
        if (status is 407 or 401)
        {
            throw new ProxyException(credentials is null
                ? $"the HTTP proxy requires authentication (give --proxy-auth USER:PASS): {quoted}"
                : $"the HTTP proxy rejected the user name or password: {quoted}");
        }
        if (status is < 200 or > 299)
            throw new ProxyException($"the HTTP proxy refused CONNECT {authority}: {quoted}");
        return reply.Leftover;
    }

    public static string BasicToken(ProxyCredentials credentials) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.User}:{credentials.Password}"));

    /// <summary>An HTTP proxy answering a SOCKS request is a common mistake; say so.</summary>
    private static string HttpHint(ReadOnlySpan<byte> reply) =>
        reply.Length >= 1 && reply[0] == (byte)'H' ? "; is it an HTTP proxy (--proxy-type http)?" : "";
}
