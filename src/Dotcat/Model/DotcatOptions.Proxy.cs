namespace Dotcat.Model;

/// <summary>Proxies and access control (SPEC section 7).</summary>
internal sealed partial record DotcatOptions
{
    /// <summary><c>--proxy</c>: connect mode reaches its peer through this proxy; null connects directly.</summary>
    public ProxySettings? Proxy { get; init; }

    /// <summary><c>--allow</c>/<c>--deny</c> and their files, resolved once: who a listener serves (open: everyone).</summary>
    public AccessList Access { get; init; } = AccessList.Open;

    /// <summary>What the binder adjusted in the access entries (host bits cleared), for the listener's <c>-v</c> lines.</summary>
    public IReadOnlyList<string> AccessNotes { get; init; } = [];
}
