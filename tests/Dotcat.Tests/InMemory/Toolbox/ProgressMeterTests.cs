using Dotcat.Diagnostics;
using Dotcat.Toolbox;

namespace Dotcat.Tests.InMemory.Toolbox;

public class ProgressMeterTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(5L * 1024 * 1024, "5.0 MiB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3.0 GiB")]
    public void Bytes_are_shown_in_binary_units(long count, string expected) =>
        ProgressMeter.Bytes(count).ShouldBe(expected);

    [Fact]
    public void The_line_shows_both_directions_the_rate_and_the_elapsed_time()
    {
        ProgressMeter.Format(3 * 1024 * 1024, 1024 * 1024, TimeSpan.FromSeconds(2))
            .ShouldBe("dotcat: 3.0 MiB sent, 1.0 MiB received, 2.0 MiB/s, 0:02");
        ProgressMeter.Format(0, 10, TimeSpan.FromMinutes(61))
            .ShouldBe("dotcat: 0 B sent, 10 B received, 0 B/s, 1:01:00");
    }

    [Fact]
    public void Each_update_rewrites_the_line_with_a_carriage_return_and_the_end_wipes_it()
    {
        var stderr = new StringWriter();
        using (var meter = new ProgressMeter(stderr))
        {
            meter.AddSent(2048);
            meter.Show();
            meter.AddReceived(5);
            meter.Show();
        }

        string[] parts = stderr.ToString().Split('\r');
        parts[0].ShouldBeEmpty();
        parts[1].ShouldStartWith("dotcat: 2.0 KiB sent, 0 B received, ");
        parts[2].ShouldStartWith("dotcat: 2.0 KiB sent, 5 B received, ");
        parts[3].Trim().ShouldBeEmpty();
        parts[3].Length.ShouldBe(parts[2].Length);
        stderr.ToString().ShouldNotContain("\n");
        stderr.ToString().ShouldNotContain("\e");
    }

    [Fact]
    public void A_diagnostic_line_wipes_the_progress_line_first()
    {
        var stderr = new StringWriter();
        var log = new Log(stderr, verbosity: 1);
        using var meter = new ProgressMeter(stderr);
        log.StatusLine = meter;

        meter.AddSent(1);
        meter.Show();
        log.Info("connected to x");

        string text = stderr.ToString();
        text[text.LastIndexOf('\r')..].ShouldBe("\rdotcat: connected to x\n");
        text.ShouldNotContain("/s, 0:00dotcat");
    }
}
