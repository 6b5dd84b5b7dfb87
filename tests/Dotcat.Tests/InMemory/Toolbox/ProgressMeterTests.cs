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

    private const long MiB = 1024 * 1024;

    private static ProgressFigures Unknown(long sent, long received, TimeSpan elapsed) => new(sent, received, sent, null, elapsed);

    private static ProgressFigures Known(long input, long total, TimeSpan elapsed, long received = 0) => new(input, received, input, total, elapsed);

    [Fact]
    public void The_line_shows_both_directions_the_rate_and_the_elapsed_time()
    {
        ProgressMeter.Format(Unknown(3 * MiB, MiB, TimeSpan.FromSeconds(2)))
            .ShouldBe("dotcat: 3.0 MiB sent, 1.0 MiB received, 2.0 MiB/s, 0:02");
        ProgressMeter.Format(Unknown(0, 10, TimeSpan.FromMinutes(61)))
            .ShouldBe("dotcat: 0 B sent, 10 B received, 0 B/s, 1:01:00");
    }

    [Fact]
    public void A_known_total_shows_the_size_the_percentage_the_rate_and_the_time_left()
    {
        ProgressMeter.Format(Known(512 * MiB, 2048 * MiB, TimeSpan.FromSeconds(0.5)))
            .ShouldBe("dotcat: 512.0 MiB / 2.0 GiB  25%  1.0 GiB/s  ETA 0:02");
        ProgressMeter.Format(Known(512 * MiB, 2048 * MiB, TimeSpan.FromSeconds(0.5), received: 20 * 1024))
            .ShouldBe("dotcat: 512.0 MiB / 2.0 GiB  25%  1.0 GiB/s  ETA 0:02  20.0 KiB received");
        ProgressMeter.Format(Known(2048 * MiB, 2048 * MiB, TimeSpan.FromSeconds(2)))
            .ShouldBe("dotcat: 2.0 GiB / 2.0 GiB  100%  1.0 GiB/s  ETA 0:00");
    }

    [Fact]
    public void A_known_total_with_nothing_read_yet_has_no_eta()
    {
        ProgressMeter.Format(Known(0, 10 * MiB, TimeSpan.FromSeconds(1)))
            .ShouldBe("dotcat: 0 B / 10.0 MiB  0%  0 B/s  ETA -:--");
        // A stalled transfer of a huge input: no ETA rather than an overflow.
        ProgressMeter.Format(Known(1, long.MaxValue / 2, TimeSpan.FromSeconds(1)))
            .ShouldEndWith("ETA -:--");
    }

    [Fact]
    public void An_input_that_grew_past_its_size_never_shows_more_than_100_percent() =>
        ProgressMeter.Format(Known(3 * MiB, 2 * MiB, TimeSpan.FromSeconds(1)))
            .ShouldBe("dotcat: 3.0 MiB / 2.0 MiB  100%  3.0 MiB/s  ETA 0:00");

    public static TheoryData<int, bool, string> Widths => new()
    {
        { 200, true, "dotcat: 512.0 MiB / 2.0 GiB  25%  1.0 GiB/s  ETA 0:02  20.0 KiB received" },
        { 80, true, "dotcat: 512.0 MiB / 2.0 GiB  25%  1.0 GiB/s  ETA 0:02  20.0 KiB received" },
        { 60, true, "dotcat: 512.0 MiB / 2.0 GiB  25%  1.0 GiB/s  ETA 0:02" },
        { 40, true, "dotcat: 512.0 MiB/2.0 GiB 25% ETA 0:02" },
        { 20, true, "25% ETA 0:02" },
        { 200, false, "dotcat: 512.0 MiB sent, 20.0 KiB received, 1.0 GiB/s, 0:00" },
        { 80, false, "dotcat: 512.0 MiB sent, 20.0 KiB received, 1.0 GiB/s, 0:00" },
        { 40, false, "dotcat: 512.0 MiB out, 20.0 KiB in" },
        { 20, false, "512.0 MiB out" },
    };

    [Theory]
    [MemberData(nameof(Widths))]
    public void The_line_fits_one_column_short_of_the_terminal(int columns, bool totalKnown, string expected)
    {
        var figures = new ProgressFigures(512 * MiB, 20 * 1024, 512 * MiB, totalKnown ? 2048 * MiB : null, TimeSpan.FromSeconds(0.5));
        string line = ProgressMeter.Format(figures, columns);
        line.ShouldBe(expected);
        line.Length.ShouldBeLessThan(columns);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(39)]
    public void No_width_is_too_narrow(int columns)
    {
        foreach (long? total in new long?[] { null, 2048 * MiB })
        {
            string line = ProgressMeter.Format(new ProgressFigures(5 * 1024L * 1024 * 1024 * 1024, 7 * MiB, 512 * MiB, total, TimeSpan.FromHours(30)), columns);
            line.Length.ShouldBeLessThan(columns);
        }
    }

    [Fact]
    public void On_a_terminal_each_redraw_clears_to_the_end_of_the_row_and_follows_its_width()
    {
        var stderr = new StringWriter();
        int columns = 80;
        using (var meter = new ProgressMeter(stderr, total: 100 * MiB, columns: () => columns, terminal: true))
        {
            meter.AddInput(25 * (int)MiB);
            meter.AddSent(25 * (int)MiB);
            meter.Show();
            columns = 20;   // the pane was narrowed
            meter.Show();
        }

        string[] parts = stderr.ToString().Split('\r');
        parts[0].ShouldBeEmpty();
        parts[1].ShouldMatch(@"^dotcat: 25\.0 MiB / 100\.0 MiB  25%  .+/s  ETA \d+:\d\d\e\[K$");
        parts[2].ShouldMatch(@"^25% ETA \d+:\d\d\e\[K$");
        parts[3].ShouldBe("\e[K");
        stderr.ToString().ShouldNotContain("\n");
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
