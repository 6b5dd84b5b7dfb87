using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Dotcat.Diagnostics;

/// <summary>
/// Values as diagnostics show them: a value the user typed is echoed to name the mistake, but a 100 KB argument
/// echoed whole buries the line. Every message is cut here, in <see cref="Log"/>, so no message can forget it.
/// </summary>
internal static partial class Shown
{
    /// <summary>
    /// How much of a long value a message keeps: more than any value a message must show whole (a host name is at
    /// most 255 characters, a Unix socket path 108, a SHA-256 fingerprint with colons 95, which users copy to pin it).
    /// </summary>
    public const int MaxValueLength = 256;

    /// <summary>A value cut to its first <see cref="MaxValueLength"/> characters and <c>…</c>.</summary>
    public static string Value(string value) => value.Length <= MaxValueLength ? value : value[..MaxValueLength] + "…";

    /// <summary>Cuts every quoted value (<c>'…'</c>) and every unquoted word longer than the limit.</summary>
    public static string Message(string message) => message.Length <= MaxValueLength ? message : Cut(message);

    /// <summary>
    /// Apart, and never inlined: compiling <see cref="Message"/> would otherwise load the regular-expression assembly
    /// (two descriptors and its pages) at a listener's first diagnostic line, though short lines never use it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string Cut(string message)
    {
        string quoted = QuotedValue().Replace(message, m => "'" + Value(m.Groups["value"].Value) + "'");
        return LongWord().Replace(quoted, m => Value(m.Value));
    }

    [GeneratedRegex("'(?<value>[^']{257,})'", RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex QuotedValue();

    [GeneratedRegex(@"[^\s']{257,}", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex LongWord();
}
