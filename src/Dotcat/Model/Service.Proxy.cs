namespace Dotcat.Model;

internal abstract partial record Service
{
    /// <summary>
    /// <c>-l PORT --proxy-type socks5|http</c>: dotcat is the proxy; each client asks for a target, which is connected
    /// and relayed. <paramref name="Credentials"/> (<c>--proxy-auth</c>) is what clients must present, when given.
    /// </summary>
    public sealed record Proxy(ProxyType Type, ProxyCredentials? Credentials) : Service
    {
        public override string Option => "--proxy-type";
    }
}
