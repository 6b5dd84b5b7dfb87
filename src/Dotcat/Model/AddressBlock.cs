using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Dotcat.Model;

/// <summary>
/// One access entry as a network: an address and a prefix length (<c>10.0.0.0/8</c>, <c>::1/128</c>). A single address
/// is a full-length block. IPv4 is kept in its own family: an IPv4-mapped IPv6 client is unmapped before matching, and
/// an entry written as <c>::ffff:a.b.c.d</c> is unmapped the same way, so both spellings meet.
/// </summary>
internal readonly record struct AddressBlock(IPAddress Network, int PrefixLength)
{
    public bool IsIPv4 => Network.AddressFamily == AddressFamily.InterNetwork;

    public override string ToString() =>
        $"{Network}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// <c>ADDRESS</c> or <c>ADDRESS/PREFIX</c>. Host bits set below the prefix (<c>10.1.2.3/8</c>) are accepted and
    /// cleared, and <paramref name="masked"/> says so, so the caller can mention it.
    /// </summary>
    public static bool TryParse(string text, out AddressBlock block, out bool masked, out string? error)
    {
        block = default;
        masked = false;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string addressText = slash < 0 ? text : text[..slash];
        if (addressText.Length > 2 && addressText[0] == '[' && addressText[^1] == ']')
            addressText = addressText[1..^1];
        if (!IPAddress.TryParse(addressText, out IPAddress? address) || addressText.Contains('%', StringComparison.Ordinal))
        {
            error = $"'{text}' is not an address or CIDR block";
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        int maxLength = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        int length = maxLength;
        if (slash >= 0)
        {
            string lengthText = text[(slash + 1)..];
            if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > maxLength)
            {
                error = $"bad prefix length in '{text}' (0 to {maxLength.ToString(CultureInfo.InvariantCulture)})";
                return false;
            }
        }

        IPAddress network = Mask(address, length);
        masked = !network.Equals(address);
        block = new AddressBlock(network, length);
        error = null;
        return true;
    }

    public static AddressBlock Single(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        return new AddressBlock(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
    }

    private static IPAddress Mask(IPAddress address, int length)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int bit = length; bit < bytes.Length * 8; bit++)
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPAddress(bytes);
    }
}
