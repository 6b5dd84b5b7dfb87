using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace Dotcat.Tests.Support;

/// <summary>
/// A dotcat's stderr as it arrives, for <see cref="DotcatProcess"/> and <see cref="DotcatRun"/> alike: the whole text
/// (for failure messages) and each finished line, which a test waits for instead of sleeping.
/// </summary>
internal sealed partial class StderrLines
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _text = new();

    public string Text
    {
        get
        {
            lock (_text)
                return _text.ToString();
        }
    }

    /// <summary>Raw text as written; <paramref name="line"/> is the finished line it ends, if it ends one.</summary>
    public void Append(string text, string? line)
    {
        lock (_text)
        {
            _text.Append(text);
            if (line is not null)
                _lines.Writer.TryWrite(line);
        }
    }

    public void AppendLine(string line) => Append(line + Environment.NewLine, line);

    /// <summary>No more lines will come: a wait for one that never came fails at once.</summary>
    public void Complete() => _lines.Writer.TryComplete();

    /// <summary>
    /// Waits for the next line matching <paramref name="match"/> (lines seen before count too; each line is taken by one
    /// wait, so two waits for the same text need two such lines).
    /// </summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await foreach (string line in _lines.Reader.ReadAllAsync(cts.Token))
            {
                if (match(line))
                    return line;
            }
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"no matching stderr line; stderr so far:\n{Text}");
    }

    /// <summary>Waits for the <c>-v</c> line <c>dotcat: listening on ADDR:PORT</c> and returns the port.</summary>
    public async Task<int> WaitForListeningPortAsync(TimeSpan timeout) =>
        int.Parse(PortAtEnd().Match(await WaitForListeningLineAsync(timeout)).Value, CultureInfo.InvariantCulture);

    /// <summary>Waits for the listening line and returns the bound IPv4/IPv6 endpoint.</summary>
    public async Task<IPEndPoint> WaitForListeningEndPointAsync(TimeSpan timeout) =>
        IPEndPoint.Parse((await WaitForListeningLineAsync(timeout))[ListeningOn.Length..]);

    private const string ListeningOn = "dotcat: listening on ";

    private Task<string> WaitForListeningLineAsync(TimeSpan timeout) =>
        WaitForAsync(l => l.StartsWith(ListeningOn, StringComparison.Ordinal), timeout);

    [GeneratedRegex(@"\d+$")]
    private static partial Regex PortAtEnd();
}
