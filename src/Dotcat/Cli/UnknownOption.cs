using System.CommandLine;

namespace Dotcat.Cli;

/// <summary>
/// The message for an option dotcat does not know: the likeliest meant option when one is a typo away
/// (<c>--verbos</c>, <c>--keepopen</c>), and where the full list is.
/// </summary>
internal static class UnknownOption
{
    public static string Describe(string token, Command root)
    {
        string? meant = Closest(token, root);
        return meant is null
            ? $"unknown option '{token}' (see dotcat --help)"
            : $"unknown option '{token}' (did you mean {meant}? see dotcat --help)";
    }

    /// <summary>
    /// The visible option whose name (or alias) is nearest to <paramref name="token"/>, dashes aside; null when none is
    /// close: one edit for words of up to 4 letters, two for longer ones. A word of one or two letters gets no guess.
    /// </summary>
    public static string? Closest(string token, Command root)
    {
        string word = token.Split('=', 2)[0].TrimStart('-');
        if (word.Length < 3)
            return null;
        int allowed = word.Length <= 4 ? 1 : 2;
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (Option option in root.Options.Where(o => !o.Hidden))
        {
            foreach (string name in option.Aliases.Prepend(option.Name))
            {
                int distance = Distance(word, name.TrimStart('-'));
                if (distance < bestDistance)
                    (best, bestDistance) = (option.Name, distance);
            }
        }
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Levenshtein distance, ignoring case (<c>--Verbose</c> is <c>--verbose</c>).</summary>
    private static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
