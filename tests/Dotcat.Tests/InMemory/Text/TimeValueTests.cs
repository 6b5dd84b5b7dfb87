using Dotcat.Text;

namespace Dotcat.Tests.InMemory.Text;

public class TimeValueTests
{
    [Theory]
    [InlineData("1.5", 15_000_000)]
    [InlineData("0", 0)]
    [InlineData(".5", 5_000_000)]
    [InlineData("2.", 20_000_000)]
    [InlineData("007", 70_000_000)]
    [InlineData("0.1", 1_000_000)]
    [InlineData("500ms", 5_000_000)]
    [InlineData("1.25ms", 12_500)]
    [InlineData("0ms", 0)]
    [InlineData("2s", 20_000_000)]
    [InlineData("1m", 600_000_000)]
    [InlineData("1.5m", 900_000_000)]
    [InlineData("1h", 36_000_000_000)]
    [InlineData("0.00000005", 1)] // half a tick rounds up
    [InlineData("0.00000004", 0)]
    public void TryParse_reads_seconds_or_a_number_with_a_unit(string text, long expectedTicks)
    {
        TimeValue.TryParse(text, out TimeSpan value).ShouldBeTrue();

        value.ShouldBe(TimeSpan.FromTicks(expectedTicks));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1x")]
    [InlineData("1 s")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("∞")]
    [InlineData("1e3")]
    [InlineData("1.2.3")]
    [InlineData(".")]
    [InlineData(".s")]
    [InlineData("ms")]
    [InlineData("s")]
    [InlineData("1,5")]
    [InlineData("1_000")]
    [InlineData("1\0")]
    [InlineData("1sm")]
    [InlineData("1mss")]
    [InlineData("1S")]
    [InlineData("1d")]
    [InlineData("١")] // Arabic-Indic digit one
    public void TryParse_rejects_anything_else(string text)
    {
        TimeValue.TryParse(text, out TimeSpan value).ShouldBeFalse();

        value.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void TryParse_accepts_the_largest_timespan()
    {
        TimeValue.TryParse("922337203685.4775807", out TimeSpan value).ShouldBeTrue();

        value.ShouldBe(TimeSpan.MaxValue);
    }

    [Theory]
    [InlineData("256204778h", 256_204_778)]
    [InlineData("15372286728m", 15_372_286_728 / 60.0)]
    public void TryParse_accepts_large_values_with_units(string text, double expectedHours)
    {
        TimeValue.TryParse(text, out TimeSpan value).ShouldBeTrue();

        value.TotalHours.ShouldBe(expectedHours, tolerance: 1e-6);
    }

    [Theory]
    [InlineData("922337203685.4775808")]
    [InlineData("922337203686")]
    [InlineData("256204779h")]
    [InlineData("15372286729m")]
    [InlineData("922337203685478ms")]
    [InlineData("99999999999999999999999999999999999999999")]
    [InlineData("79228162514264337593543950336")]
    public void TryParse_rejects_values_too_large_for_a_timespan(string text)
    {
        TimeValue.TryParse(text, out TimeSpan value).ShouldBeFalse();

        value.ShouldBe(TimeSpan.Zero);
    }
}
