using System.Buffers;
using System.Globalization;
using System.Text;

namespace Dotcat.Broker;

/// <summary>
/// <c>--chat</c>'s wire text, in ncat's style: <c>&lt;user5&gt; hi</c>, <c>&lt;announce&gt; ...</c> lines, and control
/// characters escaped as <c>\ooo</c> so one client cannot drive the others' terminals (ESC sequences, bells, clears).
/// Unlike ncat, valid UTF-8 text passes unescaped; tab, CR and LF pass as ncat lets them.
/// </summary>
internal static class ChatText
{
    /// <summary>
    /// A chunk from user <paramref name="user"/> as the others see it: each line it starts gets the name prefix, so
    /// several lines in one read stay attributed.
    /// </summary>
    public static byte[] Message(int user, ReadOnlySpan<byte> data)
    {
        byte[] prefix = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"<user{user}> "));
        var text = new ArrayBufferWriter<byte>(prefix.Length + data.Length + 16);
        bool lineStart = true;
        while (!data.IsEmpty)
        {
            if (lineStart)
                text.Write(prefix);
            OperationStatus status = Rune.DecodeFromUtf8(data, out Rune rune, out int consumed);
            if (status != OperationStatus.Done || (Rune.IsControl(rune) && rune.Value is not ('\t' or '\r' or '\n')))
            {
                foreach (byte b in data[..consumed])
                    text.Write(Encoding.ASCII.GetBytes("\\" + Convert.ToString(b, 8).PadLeft(3, '0')));
            }
            else
            {
                text.Write(data[..consumed]);
            }
            lineStart = rune.Value == '\n' && status == OperationStatus.Done;
            data = data[consumed..];
        }
        return text.WrittenSpan.ToArray();
    }

    public static byte[] Joined(string address, int user, IEnumerable<(string Address, int User)> others)
    {
        string already = string.Join(", ", others.Select(o => $"{o.Address} as <user{o.User}>"));
        return Encoding.UTF8.GetBytes(
            $"<announce> {address} is connected as <user{user}>.\n" +
            $"<announce> already connected: {(already.Length == 0 ? "nobody" : already)}.\n");
    }

    public static byte[] Left(int user) => Encoding.UTF8.GetBytes($"<announce> <user{user}> is disconnected.\n");
}
