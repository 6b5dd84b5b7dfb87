using System.Globalization;

namespace Dotcat.Text;

/// <summary>An amount of data as people read it: <c>12 bytes</c>, <c>1.0 KiB</c>, <c>62.1 MiB</c>.</summary>
internal static class ByteCount
{
    public static string Format(long count)
    {
        if (count < 1024)
            return count == 1 ? "1 byte" : count.ToString(CultureInfo.InvariantCulture) + " bytes";
        string[] units = ["KiB", "MiB", "GiB", "TiB"];
        double value = count;
        int unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
