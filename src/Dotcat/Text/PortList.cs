using System.Globalization;

namespace Dotcat.Text;

/// <summary>
/// The PORTS argument of <c>-z</c>: comma-separated ports and inclusive ranges (<c>22,80,8000-8100</c>), each port
/// 1..65535 (port 0 cannot be scanned). The result is ascending with duplicates removed. No whitespace anywhere.
/// </summary>
internal static class PortList
{
    public static bool TryParse(string text, out IReadOnlyList<int> ports, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);

        ports = [];
        if (text.Length == 0)
        {
            error = "empty port list";
            return false;
        }

        var chosen = new bool[ushort.MaxValue + 1];
        int count = 0;
        foreach (string part in text.Split(','))
        {
            if (part.Length == 0)
            {
                error = $"empty entry in port list '{text}'";
                return false;
            }

            if (!TryParsePart(part, out int first, out int last, out error))
            {
                return false;
            }

            for (int port = first; port <= last; port++)
            {
                if (!chosen[port])
                {
                    chosen[port] = true;
                    count++;
                }
            }
        }

        var result = new List<int>(count);
        for (int port = 1; port < chosen.Length; port++)
        {
            if (chosen[port])
            {
                result.Add(port);
            }
        }

        ports = result;
        error = null;
        return true;
    }

    private static bool TryParsePart(string part, out int first, out int last, out string? error)
    {
        first = last = 0;
        int dash = part.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return TryParsePort(part, out first, out error) && TryParsePort(part, out last, out error);
        }

        string low = part[..dash];
        string high = part[(dash + 1)..];
        if (low.Length == 0 || high.Length == 0 || high.Contains('-', StringComparison.Ordinal))
        {
            error = $"invalid port range '{part}'";
            return false;
        }

        if (!TryParsePort(low, out first, out error) || !TryParsePort(high, out last, out error))
        {
            return false;
        }

        if (first > last)
        {
            error = $"invalid port range '{part}'";
            return false;
        }

        return true;
    }

    private static bool TryParsePort(string text, out int port, out string? error)
    {
        // NumberStyles.None: digits only, so no sign and no whitespace.
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= ushort.MaxValue)
        {
            error = null;
            return true;
        }

        error = $"invalid port '{text}'";
        return false;
    }
}
