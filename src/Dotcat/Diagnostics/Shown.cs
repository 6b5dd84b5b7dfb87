using System.Text.RegularExpressions;

namespace Dotcat.Diagnostics;

/// <summary>
/// Values as diagnostics show them: a value the user typed is echoed to name the mistake, but a 100 KB argument
/// echoed whole buries the line. Every message is cut here, in <see cref="Log"/>, so no message can forget it.
/// </summary>
internal static partial class Shown
{
    /// <summary>How much of a long value a message keeps.</summary>
    public const int MaxValueLength = 64;

    /// <summary>A value cut to its first <see cref="MaxValueLength"/> characters and <c>…</c>.</summary>
    public static string Value(string value) => value.Length <= MaxValueLength ? value : value[..MaxValueLength] + "…";

    /// <summary>Cuts every quoted value (<c>'…'</c>) and every unquoted word longer than the limit.</summary>
    public static string Message(string message)
    {
        if (message.Length <= MaxValueLength)
            return message;
        string quoted = QuotedValue().Replace(message, m => "'" + Value(m.Groups["value"].Value) + "'");
        return LongWord().Replace(quoted, m => Value(m.Value));
    }

    [GeneratedRegex("'(?<value>[^']{65,})'", RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex QuotedValue();

    [GeneratedRegex(@"[^\s']{65,}", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex LongWord();
}
