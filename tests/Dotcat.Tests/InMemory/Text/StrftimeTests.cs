using Dotcat.Text;

namespace Dotcat.Tests.InMemory.Text;

public class StrftimeTests
{
    private const string EveryDirective = "%a|%A|%b|%B|%c|%d|%f|%H|%I|%j|%m|%M|%p|%S|%U|%w|%W|%x|%X|%y|%Y|%z|%%";

    // Expected values from Python 3.11 on glibc, C locale: datetime(...).strftime(EveryDirective).
    [Theory]
    [InlineData(2026, 11, 21, 17, 5, 9, 123456, 60, "Sat|Saturday|Nov|November|Sat Nov 21 17:05:09 2026|21|123456|17|05|325|11|05|PM|09|46|6|46|11/21/26|17:05:09|26|2026|+0100|%")]
    [InlineData(2026, 1, 1, 0, 0, 0, 0, 0, "Thu|Thursday|Jan|January|Thu Jan  1 00:00:00 2026|01|000000|00|12|001|01|00|AM|00|00|4|00|01/01/26|00:00:00|26|2026|+0000|%")]
    [InlineData(2023, 1, 1, 12, 0, 0, 7, -330, "Sun|Sunday|Jan|January|Sun Jan  1 12:00:00 2023|01|000007|12|12|001|01|00|PM|00|01|0|00|01/01/23|12:00:00|23|2023|-0530|%")]
    [InlineData(2024, 12, 31, 23, 59, 59, 999999, 345, "Tue|Tuesday|Dec|December|Tue Dec 31 23:59:59 2024|31|999999|23|11|366|12|59|PM|59|52|2|53|12/31/24|23:59:59|24|2024|+0545|%")]
    [InlineData(2027, 1, 3, 11, 59, 1, 500000, -600, "Sun|Sunday|Jan|January|Sun Jan  3 11:59:01 2027|03|500000|11|11|003|01|59|AM|01|01|0|00|01/03/27|11:59:01|27|2027|-1000|%")]
    [InlineData(2000, 2, 29, 1, 2, 3, 40, 0, "Tue|Tuesday|Feb|February|Tue Feb 29 01:02:03 2000|29|000040|01|01|060|02|02|AM|03|09|2|09|02/29/00|01:02:03|00|2000|+0000|%")]
    [InlineData(1999, 7, 4, 13, 30, 0, 0, 0, "Sun|Sunday|Jul|July|Sun Jul  4 13:30:00 1999|04|000000|13|01|185|07|30|PM|00|27|0|26|07/04/99|13:30:00|99|1999|+0000|%")]
    [InlineData(2021, 1, 4, 0, 0, 0, 0, 0, "Mon|Monday|Jan|January|Mon Jan  4 00:00:00 2021|04|000000|00|12|004|01|00|AM|00|01|1|01|01/04/21|00:00:00|21|2021|+0000|%")]
    [InlineData(2026, 12, 31, 12, 0, 0, 0, 0, "Thu|Thursday|Dec|December|Thu Dec 31 12:00:00 2026|31|000000|12|12|365|12|00|PM|00|52|4|52|12/31/26|12:00:00|26|2026|+0000|%")]
    [InlineData(1001, 1, 1, 0, 0, 0, 0, 0, "Thu|Thursday|Jan|January|Thu Jan  1 00:00:00 1001|01|000000|00|12|001|01|00|AM|00|00|4|00|01/01/01|00:00:00|01|1001|+0000|%")]
    [InlineData(9999, 12, 31, 23, 59, 59, 999999, 0, "Fri|Friday|Dec|December|Fri Dec 31 23:59:59 9999|31|999999|23|11|365|12|59|PM|59|52|5|52|12/31/99|23:59:59|99|9999|+0000|%")]
    public void Format_matches_python_for_every_directive(
        int year, int month, int day, int hour, int minute, int second, int microsecond, int offsetMinutes, string expected)
    {
        DateTimeOffset now = At(year, month, day, hour, minute, second, microsecond, offsetMinutes);

        Strftime.Format(EveryDirective, now, "XYZ").ShouldBe(expected);
    }

    [Theory]
    [InlineData("%Q", "%Q")]
    [InlineData("a%Qb", "a%Qb")]
    [InlineData("%-d", "%-d")]
    [InlineData("100%", "100%")]
    [InlineData("%", "%")]
    [InlineData("%%Q", "%Q")]
    [InlineData("%%%", "%%")]
    [InlineData("", "")]
    [InlineData("no directives", "no directives")]
    [InlineData("at %H:%M on %d.%m.", "at 17:05 on 21.11.")]
    [InlineData("héllo %S ✓", "héllo 09 ✓")]
    public void Format_copies_text_and_unknown_directives_as_is(string format, string expected)
    {
        Strftime.Format(format, At(2026, 11, 21, 17, 5, 9, 0, 60), "CET").ShouldBe(expected);
    }

    [Fact]
    public void Zone_directive_gives_the_zone_name_argument()
    {
        Strftime.Format("%H %Z", At(2026, 11, 21, 17, 5, 9, 0, 60), "CET").ShouldBe("17 CET");
    }

    [Fact]
    public void Zone_name_with_a_percent_sign_is_not_expanded()
    {
        Strftime.Format("%Z", At(2026, 11, 21, 17, 5, 9, 0, 0), "%Y").ShouldBe("%Y");
    }

    [Fact]
    public void Default_format_is_date_and_time()
    {
        Strftime.Format(Strftime.DefaultFormat, At(2026, 11, 21, 7, 5, 9, 0, 60), "CET").ShouldBe("2026-11-21 07:05:09");
    }

    // Python 3.11 on glibc: datetime(5, 3, 4).strftime(...) does not pad the year.
    [Theory]
    [InlineData("%Y", "5")]
    [InlineData("%y", "05")]
    [InlineData("%c", "Fri Mar  4 00:00:00 5")]
    [InlineData("%x", "03/04/05")]
    public void Years_below_1000_are_not_padded_like_glibc(string format, string expected)
    {
        Strftime.Format(format, At(5, 3, 4, 0, 0, 0, 0, 0), "UTC").ShouldBe(expected);
    }

    [Fact]
    public void Microseconds_drop_sub_microsecond_ticks()
    {
        var now = new DateTimeOffset(2026, 11, 21, 17, 5, 9, TimeSpan.Zero).AddTicks(1_234_567);

        Strftime.Format("%f", now, "UTC").ShouldBe("123456");
    }

    [Fact]
    public void Local_zone_name_of_utc_is_UTC()
    {
        Strftime.LocalZoneName(TimeZoneInfo.Utc, DateTimeOffset.UnixEpoch).ShouldBe("UTC");
    }

    [Fact]
    public void Local_zone_name_of_a_utc_zone_with_a_long_name_is_UTC()
    {
        TimeZoneInfo zone = TimeZoneInfo.CreateCustomTimeZone("UTC", TimeSpan.Zero, "(UTC) Coordinated Universal Time", "Coordinated Universal Time");

        Strftime.LocalZoneName(zone, DateTimeOffset.UnixEpoch).ShouldBe("UTC");
    }

    [Theory]
    [InlineData(1, "CET")]
    [InlineData(7, "CEST")]
    public void Local_zone_name_is_the_abbreviation_in_effect(int month, string expected)
    {
        TimeZoneInfo zone = CentralEurope("CET", "CEST");

        Strftime.LocalZoneName(zone, new DateTimeOffset(2026, month, 15, 12, 0, 0, TimeSpan.Zero)).ShouldBe(expected);
    }

    [Fact]
    public void Local_zone_name_keeps_numeric_abbreviations()
    {
        TimeZoneInfo zone = TimeZoneInfo.CreateCustomTimeZone("Europe/Istanbul", TimeSpan.FromHours(3), "Istanbul", "+03");

        Strftime.LocalZoneName(zone, DateTimeOffset.UnixEpoch).ShouldBe("+03");
    }

    [Fact]
    public void Local_zone_name_falls_back_to_the_id_when_names_are_long()
    {
        TimeZoneInfo zone = CentralEurope("W. Europe Standard Time", "W. Europe Daylight Time");

        Strftime.LocalZoneName(zone, new DateTimeOffset(2026, 7, 15, 12, 0, 0, TimeSpan.Zero)).ShouldBe("Test/Central");
    }

    private static DateTimeOffset At(
        int year, int month, int day, int hour, int minute, int second, int microsecond, int offsetMinutes) =>
        new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromMinutes(offsetMinutes))
            .AddTicks(microsecond * TimeSpan.TicksPerMicrosecond);

    private static TimeZoneInfo CentralEurope(string standardName, string daylightName)
    {
        TimeZoneInfo.TransitionTime start = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 5, DayOfWeek.Sunday);
        TimeZoneInfo.TransitionTime end = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 3, 0, 0), 10, 5, DayOfWeek.Sunday);
        TimeZoneInfo.AdjustmentRule rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
            DateTime.MinValue.Date, DateTime.MaxValue.Date, TimeSpan.FromHours(1), start, end);
        return TimeZoneInfo.CreateCustomTimeZone("Test/Central", TimeSpan.FromHours(1), "Central", standardName, daylightName, [rule]);
    }
}
