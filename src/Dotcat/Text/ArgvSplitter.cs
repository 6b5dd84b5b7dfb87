using System.Text;

namespace Dotcat.Text;

/// <summary>
/// Splits <c>-e</c>'s command into argv without a shell, as a POSIX shell would split a line with no expansions:
/// words separated by blanks; 'single quotes' keep everything literally; "double quotes" keep blanks, and a backslash
/// in them escapes only <c>"</c>, <c>\</c> and <c>$</c> or a backtick; outside quotes a backslash escapes any character.
/// </summary>
internal static class ArgvSplitter
{
    /// <summary>The words of <paramref name="command"/>; null (with <paramref name="error"/>) for an unfinished quote.</summary>
    public static IReadOnlyList<string>? Split(string command, out string? error)
    {
        ArgumentNullException.ThrowIfNull(command);
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        error = null;

        for (int i = 0; i < command.Length; i++)
        {
            char c = command[i];
            switch (c)
            {
                case ' ' or '\t' or '\n':
                    if (inWord)
                        words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                    continue;
                case '\'':
                    int close = command.IndexOf('\'', i + 1);
                    if (close < 0)
                        return Fail("unfinished ' quote", out error);
                    word.Append(command, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    if (!TryReadDoubleQuoted(command, ref i, word))
                        return Fail("unfinished \" quote", out error);
                    break;
                case '\\' when i + 1 < command.Length:
                    word.Append(command[++i]);
                    break;
                default:
                    word.Append(c);
                    break;
            }
            inWord = true;
        }

        if (inWord)
            words.Add(word.ToString());
        return words;
    }

    // From the opening quote at i to its closing quote, which i is left on.
    private static bool TryReadDoubleQuoted(string command, ref int i, StringBuilder word)
    {
        for (i++; i < command.Length; i++)
        {
            char c = command[i];
            if (c == '"')
                return true;
            if (c == '\\' && i + 1 < command.Length && command[i + 1] is '"' or '\\' or '$' or '`')
                c = command[++i];
            word.Append(c);
        }
        return false;
    }

    private static IReadOnlyList<string>? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }
}
