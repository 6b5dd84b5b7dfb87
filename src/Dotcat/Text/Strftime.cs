using System.Buffers;
using System.Globalization;
using System.Text;

namespace Dotcat.Text;

/// <summary>
/// strftime with the C locale, matching Python's <c>datetime.strftime</c> on glibc for the directives SPEC.md lists.
/// Anything else after a <c>%</c> is copied as is, like glibc does for directives it does not know.
/// </summary>
internal static class Strftime
{
    public const string DefaultFormat = "%Y-%m-%d %X";

    private static readonly string[] ShortDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] LongDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] ShortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    private static readonly string[] LongMonths =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private static readonly SearchValues<char> AbbreviationChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-");

    public static string Format(string format, DateTimeOffset now, string zoneName)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(zoneName);

        var text = new StringBuilder(format.Length * 2);
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%' || i + 1 == format.Length)
            {
                text.Append(c);
                continue;
            }

            char directive = format[++i];
            if (!TryAppend(text, directive, now, zoneName))
            {
                text.Append('%').Append(directive);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// A short zone name for <c>%Z</c>, close to what Python's <c>time.tzname</c> gives. On Linux and macOS under
    /// invariant globalization, .NET fills StandardName/DaylightName with the tzdata abbreviations ("CET", "CEST",
    /// "+03"), which is exactly what Python shows. Windows only has long names ("W. Europe Standard Time"); deriving
    /// abbreviations would need a table, so there the zone's Id is used instead, except that UTC is always "UTC".
    /// </summary>
    public static string LocalZoneName(TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(zone);

        string name = zone.IsDaylightSavingTime(now) ? zone.DaylightName : zone.StandardName;
        if (IsAbbreviation(name))
        {
            return name;
        }

        if (zone.Id is "UTC" or "Etc/UTC" || zone.HasSameRules(TimeZoneInfo.Utc))
        {
            return "UTC";
        }

        return zone.Id;
    }

    // tzdata abbreviations are 3 to 6 letters, digits and signs ("EST", "NZDT", "+0530").
    private static bool IsAbbreviation(string name) =>
        name.Length is >= 1 and <= 6 && name.AsSpan().IndexOfAnyExcept(AbbreviationChars) < 0;

    private static bool TryAppend(StringBuilder text, char directive, DateTimeOffset now, string zoneName)
    {
        switch (directive)
        {
            case 'a': text.Append(ShortDays[(int)now.DayOfWeek]); break;
            case 'A': text.Append(LongDays[(int)now.DayOfWeek]); break;
            case 'b': text.Append(ShortMonths[now.Month - 1]); break;
            case 'B': text.Append(LongMonths[now.Month - 1]); break;
            case 'c': AppendCTime(text, now); break;
            case 'd': AppendNumber(text, now.Day, 2); break;
            case 'f': AppendNumber(text, (int)(now.Ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond), 6); break;
            case 'H': AppendNumber(text, now.Hour, 2); break;
            case 'I': AppendNumber(text, now.Hour % 12 == 0 ? 12 : now.Hour % 12, 2); break;
            case 'j': AppendNumber(text, now.DayOfYear, 3); break;
            case 'm': AppendNumber(text, now.Month, 2); break;
            case 'M': AppendNumber(text, now.Minute, 2); break;
            case 'p': text.Append(now.Hour < 12 ? "AM" : "PM"); break;
            case 'S': AppendNumber(text, now.Second, 2); break;
            case 'U': AppendNumber(text, WeekOfYear(now, (int)now.DayOfWeek), 2); break;
            case 'w': AppendNumber(text, (int)now.DayOfWeek, 1); break;
            case 'W': AppendNumber(text, WeekOfYear(now, ((int)now.DayOfWeek + 6) % 7), 2); break;
            case 'x': AppendDate(text, now); break;
            case 'X': AppendTime(text, now); break;
            case 'y': AppendNumber(text, now.Year % 100, 2); break;
            // glibc does not pad years below 1000 ("5", not "0005"), and Python passes %Y through to it.
            case 'Y': AppendNumber(text, now.Year, 1); break;
            case 'z': AppendOffset(text, now.Offset); break;
            case 'Z': text.Append(zoneName); break;
            case '%': text.Append('%'); break;
            default: return false;
        }

        return true;
    }

    // Weeks start on the given first day; days before the first such day of the year are week 0.
    private static int WeekOfYear(DateTimeOffset now, int daysSinceFirstWeekday) =>
        (now.DayOfYear - 1 + 7 - daysSinceFirstWeekday) / 7;

    // The C locale's %c is "%a %b %e %H:%M:%S %Y", where %e pads the day with a space.
    private static void AppendCTime(StringBuilder text, DateTimeOffset now)
    {
        text.Append(ShortDays[(int)now.DayOfWeek]).Append(' ').Append(ShortMonths[now.Month - 1]).Append(' ');
        if (now.Day < 10)
        {
            text.Append(' ');
        }

        AppendNumber(text, now.Day, 1);
        text.Append(' ');
        AppendTime(text, now);
        text.Append(' ');
        AppendNumber(text, now.Year, 1);
    }

    private static void AppendDate(StringBuilder text, DateTimeOffset now)
    {
        AppendNumber(text, now.Month, 2);
        text.Append('/');
        AppendNumber(text, now.Day, 2);
        text.Append('/');
        AppendNumber(text, now.Year % 100, 2);
    }

    private static void AppendTime(StringBuilder text, DateTimeOffset now)
    {
        AppendNumber(text, now.Hour, 2);
        text.Append(':');
        AppendNumber(text, now.Minute, 2);
        text.Append(':');
        AppendNumber(text, now.Second, 2);
    }

    private static void AppendOffset(StringBuilder text, TimeSpan offset)
    {
        text.Append(offset < TimeSpan.Zero ? '-' : '+');
        int minutes = Math.Abs((int)offset.TotalMinutes);
        AppendNumber(text, minutes / 60, 2);
        AppendNumber(text, minutes % 60, 2);
    }

    private static void AppendNumber(StringBuilder text, int value, int minDigits)
    {
        Span<char> digits = stackalloc char[10];
        value.TryFormat(digits, out int length, provider: CultureInfo.InvariantCulture);
        text.Append('0', Math.Max(0, minDigits - length)).Append(digits[..length]);
    }
}
