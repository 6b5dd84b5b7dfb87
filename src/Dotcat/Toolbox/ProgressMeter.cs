using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Dotcat.Diagnostics;

namespace Dotcat.Toolbox;

/// <summary>What <c>--progress</c> shows at one moment.</summary>
/// <param name="Sent">Bytes handed to the peer (after <c>-C</c>).</param>
/// <param name="Received">Bytes that came from the peer.</param>
/// <param name="Input">Bytes read from stdin or the <c>--send</c> files (what <paramref name="Total"/> counts).</param>
/// <param name="Total">What the input holds, when known (a regular file on stdin, the <c>--send</c> files).</param>
/// <param name="Elapsed">Time since the session started.</param>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct ProgressFigures(long Sent, long Received, long Input, long? Total, TimeSpan Elapsed);

/// <summary>
/// <c>--progress</c>: one stderr line, rewritten a few times a second and wiped at the end. It always fits stderr's
/// terminal (one column short of its width, asked at every redraw: a line that wraps can no longer be rewritten with
/// <c>\r</c> and leaves stale lines behind), dropping the least useful parts first. On a terminal each redraw is
/// <c>\r</c>, the line, and clear-to-end-of-line; elsewhere (a redirected stderr with <c>-v</c>) no escape code is
/// written and the previous line's tail is overwritten with spaces, so the file stays readable.
/// </summary>
internal sealed class ProgressMeter : IStatusLine, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private const string ClearToEnd = "\e[K";

    /// <summary>Beyond this an ETA says nothing (and a stalled rate would overflow a TimeSpan).</summary>
    private static readonly TimeSpan MaxEta = TimeSpan.FromHours(100);

    private readonly Lock _gate = new();
    private readonly TextWriter _writer;
    private readonly long? _total;
    private readonly Func<int?> _columns;
    private readonly bool _terminal;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer _timer;
    private long _sent;
    private long _received;
    private long _input;
    private int _shown;
    private bool _disposed;

    /// <param name="writer">stderr.</param>
    /// <param name="total">What the input holds, when known.</param>
    /// <param name="columns">stderr's terminal width now, or null (no terminal: the full line).</param>
    /// <param name="terminal">Whether stderr is a terminal (clear-to-end-of-line instead of padding).</param>
    public ProgressMeter(TextWriter writer, long? total = null, Func<int?>? columns = null, bool terminal = false)
    {
        _writer = writer;
        _total = total;
        _columns = columns ?? (static () => null);
        _terminal = terminal;
        _timer = new Timer(_ => Show(), null, Interval, Interval);
    }

    public void AddSent(int count) => Interlocked.Add(ref _sent, count);

    public void AddReceived(int count) => Interlocked.Add(ref _received, count);

    /// <summary>Bytes taken from the input; the same as those sent unless <c>-C</c> added some.</summary>
    public void AddInput(int count) => Interlocked.Add(ref _input, count);

    /// <summary>
    /// The richest line that fits in <paramref name="columns"/> - 1 characters (any length when null). With a known
    /// total: <c>dotcat: 512.0 MiB / 2.0 GiB  25%  1.1 GiB/s  ETA 0:02</c> (the rate is the input's, and what was
    /// received follows when there is any); otherwise <c>dotcat: 1.5 MiB sent, 20.0 KiB received, 3.1 MiB/s, 0:02</c>
    /// (the rate counts both directions). Narrower, the spacing tightens and the rate, then the prefix go.
    /// </summary>
    public static string Format(ProgressFigures figures, int? columns = null)
    {
        int room = columns is { } width ? Math.Max(width - 1, 0) : int.MaxValue;
        foreach (string candidate in Candidates(figures))
        {
            if (candidate.Length <= room)
                return candidate;
        }
        return Candidates(figures).Last()[..room];
    }

    private static IEnumerable<string> Candidates(ProgressFigures f)
    {
        double seconds = Math.Max(f.Elapsed.TotalSeconds, 0.001);
        if (f.Total is { } total)
        {
            long done = Math.Min(f.Input, total);
            string amount = Bytes(f.Input), of = Bytes(total);
            string percent = (done * 100 / total).ToString(CultureInfo.InvariantCulture) + "%";
            double rate = f.Input / seconds;
            string speed = Bytes((long)rate) + "/s";
            double left = rate >= 1 ? (total - done) / rate : double.PositiveInfinity;
            // Rounded up: "0:00" only when nothing is left.
            string eta = "ETA " + (left < MaxEta.TotalSeconds ? Clock(TimeSpan.FromSeconds(Math.Ceiling(left))) : "-:--");
            string wide = $"dotcat: {amount} / {of}  {percent}  {speed}  {eta}";
            if (f.Received > 0)
                yield return $"{wide}  {Bytes(f.Received)} received";
            yield return wide;
            yield return $"dotcat: {amount}/{of} {percent} {speed} {eta}";
            yield return $"dotcat: {amount}/{of} {percent} {eta}";
            yield return $"dotcat: {percent} {eta}";
            yield return $"{percent} {eta}";
            yield return percent;
        }
        else
        {
            string sent = Bytes(f.Sent), received = Bytes(f.Received);
            string speed = Bytes((long)((f.Sent + f.Received) / seconds)) + "/s";
            yield return $"dotcat: {sent} sent, {received} received, {speed}, {Clock(f.Elapsed)}";
            yield return $"dotcat: {sent} sent, {received} received, {speed}";
            yield return $"dotcat: {sent} out, {received} in, {speed}";
            yield return $"dotcat: {sent} out, {received} in";
            yield return $"{sent} out, {received} in";
            yield return $"{sent} out";
        }
    }

    /// <summary>0:02, 12:34, 1:01:00.</summary>
    private static string Clock(TimeSpan time) => time.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(long)time.TotalHours}:{time:mm\\:ss}")
        : time.ToString(@"m\:ss", CultureInfo.InvariantCulture);

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
            var figures = new ProgressFigures(
                Interlocked.Read(ref _sent), Interlocked.Read(ref _received), Interlocked.Read(ref _input), _total, _clock.Elapsed);
            string line = Format(figures, _columns());
            // On a terminal the rest of the row is cleared; elsewhere the previous line's tail, maybe longer, is padded over.
            _writer.Write(_terminal ? "\r" + line + ClearToEnd : "\r" + line.PadRight(_shown));
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
        _writer.Write(_terminal ? "\r" + ClearToEnd : "\r" + new string(' ', _shown) + "\r");
        _writer.Flush();
        _shown = 0;
    }
}
