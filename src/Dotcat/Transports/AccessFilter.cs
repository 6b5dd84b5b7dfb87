using System.Net;
using Dotcat.Diagnostics;
using Dotcat.Model;

namespace Dotcat.Transports;

/// <summary>
/// <c>--allow</c>/<c>--deny</c> applied to who speaks to a listener: an accepted client or a datagram's sender. A
/// refusal is one <c>-v</c> line, <c>dotcat: refused 127.0.0.2:5123 (not in --allow)</c>; the caller closes the
/// client (or drops the datagram) and serves on.
/// </summary>
internal static class AccessFilter
{
    /// <summary>Null when everyone is admitted, so listeners skip the check altogether.</summary>
    public static Func<EndPoint, bool>? Predicate(DotcatOptions options, Log log)
    {
        AccessList access = Announce(options, log);
        return access.IsOpen ? null : peer => Admits(access, peer, log);
    }

    public static ConnectionFilter For(DotcatOptions options, Log log)
    {
        AccessList access = Announce(options, log);
        return access.IsOpen
            ? static (_, _) => ValueTask.FromResult(true)
            : (connection, _) => ValueTask.FromResult(connection.RemoteEndPoint is not { } peer || Admits(access, peer, log));
    }

    /// <summary>The listener's rules, after <c>-v</c> has said what the binder adjusted in them (once per listener).</summary>
    private static AccessList Announce(DotcatOptions options, Log log)
    {
        foreach (string note in options.AccessNotes)
            log.Info(note);
        return options.Access;
    }

    private static bool Admits(AccessList access, EndPoint peer, Log log)
    {
        // Unix sockets have no address to judge; the binder refuses access options with them.
        if (peer is not IPEndPoint ip)
            return true;
        AccessDecision decision = access.Admits(ip.Address);
        if (!decision.Admitted)
            log.Info($"refused {Endpoints.Format(ip)} ({decision.Reason})");
        return decision.Admitted;
    }
}
