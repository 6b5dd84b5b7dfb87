using Dotcat.Model;

namespace Dotcat.Diagnostics;

/// <summary>Decides whether stderr diagnostics are coloured. Pure, so the policy is unit-tested.</summary>
internal static class Term
{
    /// <summary>
    /// First match wins: <c>--color always|never</c>; <c>NO_COLOR</c> set (no-color.org); <c>FORCE_COLOR</c> set and not
    /// 0/false; stderr redirected; <c>TERM=dumb</c>; otherwise on.
    /// </summary>
    public static bool StderrColor(ColorMode mode, Func<string, string?> env, bool stderrRedirected)
    {
        if (mode != ColorMode.Auto)
            return mode == ColorMode.Always;
        if (!string.IsNullOrEmpty(env("NO_COLOR")))
            return false;
        string? force = env("FORCE_COLOR");
        if (!string.IsNullOrEmpty(force) && force is not ("0" or "false"))
            return true;
        if (stderrRedirected || string.Equals(env("TERM"), "dumb", StringComparison.Ordinal))
            return false;
        // Windows 10+ terminals understand ANSI escapes once virtual terminal processing is on, which .NET enables.
        return true;
    }
}
