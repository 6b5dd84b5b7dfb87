using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Dotcat.Model;

/// <summary>Whether a client may connect, and the words for the <c>-v</c> line when it may not.</summary>
internal readonly record struct AccessDecision(bool Admitted, string? Reason)
{
    public static AccessDecision Admit { get; } = new(Admitted: true, Reason: null);
}

/// <summary>
/// Who may connect to a listener: <c>--allow</c>/<c>--allowfile</c> and <c>--deny</c>/<c>--denyfile</c>, already
/// parsed and resolved (see <c>Access/AccessListBuilder</c>). Deny wins over allow; once any allow rule exists,
/// everyone it does not cover is refused. A listener calls <see cref="Admits"/> on every accept, so the rules are kept
/// as plain integers and masks: a check is a few comparisons per rule and allocates nothing.
/// </summary>
internal sealed class AccessList
{
    private readonly Rules _allow;
    private readonly Rules _deny;

    public AccessList(IEnumerable<AddressBlock> allow, IEnumerable<AddressBlock> deny)
    {
        _allow = new Rules(allow);
        _deny = new Rules(deny);
    }

    /// <summary>A list with no rules: everyone is admitted.</summary>
    public static AccessList Open { get; } = new([], []);

    /// <summary>True when there are no rules at all (a listener can skip the check).</summary>
    public bool IsOpen => _allow.IsEmpty && _deny.IsEmpty;

    public AccessDecision Admits(IPAddress client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.IsIPv4MappedToIPv6)
            client = client.MapToIPv4();
        if (_deny.Contains(client))
            return new AccessDecision(Admitted: false, "in --deny");
        if (!_allow.IsEmpty && !_allow.Contains(client))
            return new AccessDecision(Admitted: false, "not in --allow");
        return AccessDecision.Admit;
    }

    /// <summary>The blocks of one list, split by family into network/mask pairs.</summary>
    private sealed class Rules
    {
        private readonly (uint Network, uint Mask)[] _v4;
        private readonly (UInt128 Network, UInt128 Mask)[] _v6;

        public Rules(IEnumerable<AddressBlock> blocks)
        {
            var v4 = new List<(uint, uint)>();
            var v6 = new List<(UInt128, UInt128)>();
            foreach (AddressBlock block in blocks)
            {
                if (block.IsIPv4)
                {
                    uint mask = block.PrefixLength == 0 ? 0 : uint.MaxValue << (32 - block.PrefixLength);
                    v4.Add((V4(block.Network) & mask, mask));
                }
                else
                {
                    UInt128 mask = block.PrefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - block.PrefixLength);
                    v6.Add((V6(block.Network) & mask, mask));
                }
            }
            _v4 = [.. v4];
            _v6 = [.. v6];
        }

        public bool IsEmpty => _v4.Length == 0 && _v6.Length == 0;

        public bool Contains(IPAddress address)
        {
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                uint value = V4(address);
                foreach ((uint network, uint mask) in _v4)
                {
                    if ((value & mask) == network)
                        return true;
                }
                return false;
            }

            UInt128 wide = V6(address);
            foreach ((UInt128 network, UInt128 mask) in _v6)
            {
                if ((wide & mask) == network)
                    return true;
            }
            return false;
        }

        private static uint V4(IPAddress address)
        {
            Span<byte> bytes = stackalloc byte[4];
            address.TryWriteBytes(bytes, out _);
            return BinaryPrimitives.ReadUInt32BigEndian(bytes);
        }

        private static UInt128 V6(IPAddress address)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            return BinaryPrimitives.ReadUInt128BigEndian(bytes);
        }
    }
}
