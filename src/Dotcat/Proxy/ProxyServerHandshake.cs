using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Dotcat.Diagnostics;

using Dotcat.Model;

namespace Dotcat.Proxy;

/// <summary>
/// What a proxy client asked for: the target, and any bytes it sent after its request (HTTP clients may send the
/// first bytes for the target together with CONNECT); the relay must deliver those to the target first.
/// </summary>
internal sealed record ProxyRequest(string Host, int Port, ReadOnlyMemory<byte> Leftover)
{
    public string Display => ProxyText.Format(Host, Port);
}

/// <summary>
/// The server side of one proxy protocol, in two steps so the caller can open the outbound connection in between
/// and answer with what really happened: <see cref="ReadRequestAsync"/>, then <see cref="SucceededAsync"/> or
/// <see cref="FailedAsync"/>. A request that cannot be served is answered by the handshake itself (with the protocol's
/// own refusal) and thrown as a <see cref="ProxyException"/> whose message says why, for the <c>-v</c> log.
/// </summary>
internal abstract class ProxyServerHandshake
{
    public static ProxyServerHandshake For(ProxyType type, ProxyCredentials? credentials) => type switch
    {
        ProxyType.Socks5 => new Socks5ServerHandshake(credentials),
        ProxyType.Http => new HttpConnectServerHandshake(credentials),
        _ => throw new UsageException($"dotcat's proxy server speaks socks5 and http, not {type.ToString().ToLowerInvariant()}"),
    };

    public abstract Task<ProxyRequest> ReadRequestAsync(Stream client, CancellationToken cancellationToken);

    /// <summary>The target is connected; <paramref name="bound"/> is the outbound local address SOCKS5 reports.</summary>
    public abstract Task SucceededAsync(Stream client, IPEndPoint? bound, CancellationToken cancellationToken);

    /// <summary>The target could not be connected; <paramref name="reason"/> overrides the words for <paramref name="error"/>.</summary>
    public abstract Task FailedAsync(Stream client, SocketError error, CancellationToken cancellationToken, string? reason = null);

    protected static bool SameSecret(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));
}

/// <summary>RFC 1928 CONNECT, with no authentication or RFC 1929 username/password when credentials are set.</summary>
internal sealed class Socks5ServerHandshake(ProxyCredentials? credentials) : ProxyServerHandshake
{
    public override async Task<ProxyRequest> ReadRequestAsync(Stream client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var head = new byte[2];
        await ProxyIO.ReadExactAsync(client, head, "SOCKS5 greeting", cancellationToken);
        if (head[0] != SocksCodes.Version5)
            throw new ProxyException($"not a SOCKS5 client (version byte {SocksCodes.Hex(head[0])})");
        var methods = new byte[head[1]];
        await ProxyIO.ReadExactAsync(client, methods, "SOCKS5 greeting", cancellationToken);

        byte wanted = credentials is null ? SocksCodes.MethodNone : SocksCodes.MethodUserPass;
        if (Array.IndexOf(methods, wanted) < 0)
        {
            await SendAsync(client, [SocksCodes.Version5, SocksCodes.MethodNoneAcceptable], cancellationToken);
            throw new ProxyException(credentials is null
                ? "the SOCKS5 client offers no method without authentication"
                : "the SOCKS5 client offers no username/password authentication");
        }
        await SendAsync(client, [SocksCodes.Version5, wanted], cancellationToken);
        if (credentials is not null)
            await AuthenticateAsync(client, credentials, cancellationToken);

        var request = new byte[4];
        await ProxyIO.ReadExactAsync(client, request, "SOCKS5 request", cancellationToken);
        if (request[0] != SocksCodes.Version5)
            throw new ProxyException($"malformed SOCKS5 request (version byte {SocksCodes.Hex(request[0])})");
        string host = await ReadAddressAsync(client, request[3], cancellationToken);
        var port = new byte[2];
        await ProxyIO.ReadExactAsync(client, port, "SOCKS5 request", cancellationToken);
        if (request[1] != SocksCodes.CommandConnect)
        {
            await ReplyAsync(client, SocksCodes.Reply.CommandNotSupported, null, cancellationToken);
            string command = request[1] switch
            {
                SocksCodes.CommandBind => "BIND",
                SocksCodes.CommandUdpAssociate => "UDP ASSOCIATE",
                _ => "command " + SocksCodes.Hex(request[1]),
            };
            throw new ProxyException($"SOCKS5 {command} is not supported (CONNECT only)");
        }

        return new ProxyRequest(host, BinaryPrimitives.ReadUInt16BigEndian(port), ReadOnlyMemory<byte>.Empty);
    }

    private static async Task<string> ReadAddressAsync(Stream client, byte type, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case SocksCodes.AddressIPv4 or SocksCodes.AddressIPv6:
                var address = new byte[type == SocksCodes.AddressIPv4 ? 4 : 16];
                await ProxyIO.ReadExactAsync(client, address, "SOCKS5 request", cancellationToken);
                return new IPAddress(address).ToString();
            case SocksCodes.AddressName:
                var length = new byte[1];
                await ProxyIO.ReadExactAsync(client, length, "SOCKS5 request", cancellationToken);
                var name = new byte[length[0]];
                await ProxyIO.ReadExactAsync(client, name, "SOCKS5 request", cancellationToken);
                if (name.Length == 0)
                {
                    await ReplyAsync(client, SocksCodes.Reply.GeneralFailure, null, cancellationToken);
                    throw new ProxyException("the SOCKS5 request names an empty host");
                }
                return Encoding.UTF8.GetString(name);
            default:
                await ReplyAsync(client, SocksCodes.Reply.AddressTypeNotSupported, null, cancellationToken);
                throw new ProxyException($"SOCKS5 address type {SocksCodes.Hex(type)} is not supported");
        }
    }

    private static async Task AuthenticateAsync(Stream client, ProxyCredentials expected, CancellationToken cancellationToken)
    {
        var field = new byte[2];
        await ProxyIO.ReadExactAsync(client, field, "SOCKS5 authentication", cancellationToken);
        if (field[0] != SocksCodes.UserPassVersion)
            throw new ProxyException($"malformed SOCKS5 authentication (version byte {SocksCodes.Hex(field[0])})");
        var user = new byte[field[1]];
        await ProxyIO.ReadExactAsync(client, user, "SOCKS5 authentication", cancellationToken);
        await ProxyIO.ReadExactAsync(client, field.AsMemory(0, 1), "SOCKS5 authentication", cancellationToken);
        var password = new byte[field[0]];
        await ProxyIO.ReadExactAsync(client, password, "SOCKS5 authentication", cancellationToken);

        bool userOk = SameSecret(expected.User, Encoding.UTF8.GetString(user));
        bool passwordOk = SameSecret(expected.Password, Encoding.UTF8.GetString(password));
        if (userOk && passwordOk)
        {
            await SendAsync(client, [SocksCodes.UserPassVersion, 0], cancellationToken);
            return;
        }
        await SendAsync(client, [SocksCodes.UserPassVersion, 1], cancellationToken);
        throw new ProxyException("SOCKS5 authentication failed: wrong user name or password");
    }

    public override Task SucceededAsync(Stream client, IPEndPoint? bound, CancellationToken cancellationToken) =>
        ReplyAsync(client, SocksCodes.Reply.Succeeded, bound, cancellationToken);

    public override Task FailedAsync(Stream client, SocketError error, CancellationToken cancellationToken, string? reason = null) =>
        ReplyAsync(client, SocksCodes.ForSocketError(error), null, cancellationToken);

    private static Task ReplyAsync(Stream client, SocksCodes.Reply reply, IPEndPoint? bound, CancellationToken cancellationToken)
    {
        IPAddress address = bound?.Address is { } a ? (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a) : IPAddress.Any;
        byte type = address.AddressFamily == AddressFamily.InterNetworkV6 ? SocksCodes.AddressIPv6 : SocksCodes.AddressIPv4;
        var port = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(port, (ushort)(bound?.Port ?? 0));
        return SendAsync(client, [SocksCodes.Version5, (byte)reply, 0, type, .. address.GetAddressBytes(), .. port], cancellationToken);
    }

    private static async Task SendAsync(Stream client, byte[] bytes, CancellationToken cancellationToken)
    {
        await client.WriteAsync(bytes, cancellationToken);
        await client.FlushAsync(cancellationToken);
    }
}

/// <summary>
/// HTTP/1.1 CONNECT (RFC 9110 section 9.3.6): the request head is read with <see cref="HttpHead.Limit"/>; other
/// methods get 405 (known ones) or 501; a missing or wrong Basic <c>Proxy-Authorization</c> gets 407 with a
/// <c>Proxy-Authenticate</c> challenge when credentials are set; anything unreadable gets 400.
/// </summary>
internal sealed class HttpConnectServerHandshake(ProxyCredentials? credentials) : ProxyServerHandshake
{
    private static readonly string[] KnownMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"];

    public override async Task<ProxyRequest> ReadRequestAsync(Stream client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        HttpHead head;
        try
        {
            head = await HttpHead.ReadAsync(client, "request", cancellationToken);
        }
        catch (ProxyException e) when (!e.Message.StartsWith("the connection closed", StringComparison.Ordinal))
        {
            await RespondAsync(client, 400, "Bad Request", e.Message, cancellationToken);
            throw;
        }

        string[] parts = head.StartLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            throw await RefuseAsync(client, 400, "Bad Request", $"malformed HTTP request line {ProxyText.Quote(Encoding.Latin1.GetBytes(head.StartLine))}", cancellationToken);
        string method = parts[0];
        if (!string.Equals(method, "CONNECT", StringComparison.Ordinal))
        {
            bool known = KnownMethods.Contains(method, StringComparer.Ordinal);
            throw await RefuseAsync(client, known ? 405 : 501, known ? "Method Not Allowed" : "Not Implemented",
                $"HTTP method {ProxyText.Quote(Encoding.Latin1.GetBytes(method))} is not served (CONNECT only)", cancellationToken);
        }
        if (!TryParseAuthority(parts[1], out string host, out int port))
            throw await RefuseAsync(client, 400, "Bad Request", $"CONNECT target {ProxyText.Quote(Encoding.Latin1.GetBytes(parts[1]))} is not HOST:PORT", cancellationToken);

        if (credentials is not null && !Authorized(head.Header("Proxy-Authorization"), credentials))
        {
            string why = head.Header("Proxy-Authorization") is null ? "no Proxy-Authorization given" : "wrong Proxy-Authorization";
            throw await RefuseAsync(client, 407, "Proxy Authentication Required", why, cancellationToken);
        }
        return new ProxyRequest(host, port, head.Leftover);
    }

    public override async Task SucceededAsync(Stream client, IPEndPoint? bound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        await client.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), cancellationToken);
        await client.FlushAsync(cancellationToken);
    }

    public override Task FailedAsync(Stream client, SocketError error, CancellationToken cancellationToken, string? reason = null) =>
        error == SocketError.TimedOut
            ? RespondAsync(client, 504, "Gateway Timeout", reason ?? SocketErrors.Describe(error), cancellationToken)
            : RespondAsync(client, 502, "Bad Gateway", reason ?? SocketErrors.Describe(error), cancellationToken);

    private async Task<ProxyException> RefuseAsync(Stream client, int status, string reason, string why, CancellationToken cancellationToken)
    {
        await RespondAsync(client, status, reason, why, cancellationToken);
        return new ProxyException($"{why} (answered {status.ToString(CultureInfo.InvariantCulture)})");
    }

    private async Task RespondAsync(Stream client, int status, string reason, string body, CancellationToken cancellationToken)
    {
        byte[] text = Encoding.UTF8.GetBytes(body + "\n");
        var response = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {reason}\r\n");
        if (status == 405)
            response.Append("Allow: CONNECT\r\n");
        if (status == 407 && credentials is not null)
            response.Append("Proxy-Authenticate: Basic realm=\"dotcat\"\r\n");
        response.Append(CultureInfo.InvariantCulture, $"Content-Type: text/plain\r\nContent-Length: {text.Length}\r\nConnection: close\r\n\r\n");
        await client.WriteAsync((byte[])[.. Encoding.ASCII.GetBytes(response.ToString()), .. text], cancellationToken);
        await client.FlushAsync(cancellationToken);
    }

    private static bool Authorized(string? header, ProxyCredentials expected)
    {
        const string Scheme = "Basic ";
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        var decoded = new byte[header.Length];
        if (!Convert.TryFromBase64String(header[Scheme.Length..].Trim(), decoded, out int length))
            return false;
        return SameSecret($"{expected.User}:{expected.Password}", Encoding.UTF8.GetString(decoded, 0, length));
    }

    /// <summary><c>host:port</c> or <c>[v6]:port</c>, port 1 to 65535 (RFC 9110 authority-form).</summary>
    public static bool TryParseAuthority(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        int colon = text.LastIndexOf(':');
        if (colon <= 0)
            return false;
        string hostPart = text[..colon];
        if (hostPart.StartsWith('['))
        {
            if (!hostPart.EndsWith(']') || !IPAddress.TryParse(hostPart[1..^1], out IPAddress? v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
                return false;
            hostPart = hostPart[1..^1];
        }
        else if (hostPart.Contains(':', StringComparison.Ordinal) || hostPart.Any(c => c <= ' ' || c is '/' or '@'))
        {
            return false;
        }
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            return false;
        host = hostPart;
        return true;
    }
}
