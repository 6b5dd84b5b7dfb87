using System.Diagnostics;
using System.Globalization;
using Dotcat.Diagnostics;

namespace Dotcat.Toolbox;

/// <summary>
/// <c>--progress</c>: bytes sent and received, the rate and the elapsed time on one stderr line, rewritten with
/// <c>\r</c> a few times a second and wiped at the end. Plain text: no escape codes, so a redirected stderr stays readable.
/// </summary>
internal sealed class ProgressMeter : IStatusLine, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly TextWriter _writer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer _timer;
    private long _sent;
    private long _received;
    private int _shown;
    private bool _disposed;

    public ProgressMeter(TextWriter writer)
    {
        _writer = writer;
        _timer = new Timer(_ => Show(), null, Interval, Interval);
    }

    public void AddSent(int count) => Interlocked.Add(ref _sent, count);

    public void AddReceived(int count) => Interlocked.Add(ref _received, count);

    /// <summary><c>dotcat: 1.5 MiB sent, 20.0 KiB received, 3.1 MiB/s, 0:02</c>: the rate is both directions over the elapsed time.</summary>
    public static string Format(long sent, long received, TimeSpan elapsed)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        string time = elapsed.TotalHours >= 1
            ? elapsed.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : elapsed.ToString(@"m\:ss", CultureInfo.InvariantCulture);
        return $"dotcat: {Bytes(sent)} sent, {Bytes(received)} received, {Bytes((long)((sent + received) / seconds))}/s, {time}";
    }

    /// <summary>1023 B, 1.0 KiB, 12.3 MiB, 4.0 GiB.</summary>
    public static string Bytes(long count)
    {
        string[] units = ["KiB", "MiB", "GiB", "TiB"];
        if (count < 1024)
            return count.ToString(CultureInfo.InvariantCulture) + " B";
        double value = count;
        int unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    /// <summary>Writes the current line now (the timer calls this).</summary>
    public void Show()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            string line = Format(Interlocked.Read(ref _sent), Interlocked.Read(ref _received), _clock.Elapsed);
            // Pad over the previous line's tail, which may have been longer.
            _writer.Write("\r" + line.PadRight(_shown));
            _writer.Flush();
            _shown = line.Length;
        }
    }

    /// <summary>Wipes the line (until the next tick), so a diagnostic can start on a clean line.</summary>
    public void Clear()
    {
        lock (_gate)
            ClearLine();
    }

    /// <summary>Wipes the line and writes <paramref name="write"/>'s line in its place, with no tick in between.</summary>
    public void WriteAbove(Action write)
    {
        lock (_gate)
        {
            ClearLine();
            write();
        }
    }

    /// <summary>Stops and wipes the line; a tick already on its way finds it disposed.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            ClearLine();
        }
        _timer.Dispose();
    }

    private void ClearLine()
    {
        if (_shown == 0)
            return;
        _writer.Write("\r" + new string(' ', _shown) + "\r");
        _writer.Flush();
        _shown = 0;
    }
}
