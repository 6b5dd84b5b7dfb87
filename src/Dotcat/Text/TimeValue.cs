using System.Globalization;

namespace Dotcat.Text;

/// <summary>
/// A TIME option value: a non-negative decimal number of seconds (<c>1.5</c>, <c>0</c>, <c>.5</c>, <c>2.</c>) or
/// such a number directly followed by a unit: <c>ms</c>, <c>s</c>, <c>m</c> or <c>h</c> (<c>500ms</c>,
/// <c>1.5m</c>). Digits and one decimal point only: no sign, exponent, whitespace, NaN or Infinity. The number is
/// parsed as a decimal so <c>0.1</c> is exactly 100 ms; sub-tick fractions are rounded to the nearest tick.
/// </summary>
internal static class TimeValue
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        ArgumentNullException.ThrowIfNull(text);

        value = TimeSpan.Zero;
        long ticksPerUnit = ParseUnit(text, out int unitLength);
        ReadOnlySpan<char> number = text.AsSpan(0, text.Length - unitLength);
        if (!IsPlainDecimal(number)
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal amount)
            || amount > (decimal)TimeSpan.MaxValue.Ticks / ticksPerUnit + 1)
        {
            return false;
        }

        decimal ticks = decimal.Round(amount * ticksPerUnit, MidpointRounding.AwayFromZero);
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    // decimal.TryParse alone would also take trailing NUL characters, so the shape is checked first.
    private static bool IsPlainDecimal(ReadOnlySpan<char> number)
    {
        int digits = 0;
        int points = 0;
        foreach (char c in number)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c == '.')
            {
                points++;
            }
            else
            {
                return false;
            }
        }

        return digits > 0 && points <= 1;
    }

    private static long ParseUnit(string text, out int unitLength)
    {
        // "ms" first: it ends with "s" and starts with "m".
        if (text.EndsWith("ms", StringComparison.Ordinal))
        {
            unitLength = 2;
            return TimeSpan.TicksPerMillisecond;
        }

        unitLength = 1;
        switch (text.Length > 0 ? text[^1] : '\0')
        {
            case 's': return TimeSpan.TicksPerSecond;
            case 'm': return TimeSpan.TicksPerMinute;
            case 'h': return TimeSpan.TicksPerHour;
            default:
                unitLength = 0;
                return TimeSpan.TicksPerSecond;
        }
    }

    /// <summary>A TIME as messages print it: <c>0.3s</c>, <c>2s</c>, <c>90s</c>.</summary>
    public static string Format(TimeSpan time) =>
        time.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "s";
}
