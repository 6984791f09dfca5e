using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace Loos.Edge.SunSpec;

/// <summary>Decodes the registers of one model with its definition (SunSpec Information Model Specification §5–§6).</summary>
internal static class SunSpecDecoder
{
    // SunSpec Information Model Specification §5: the not-implemented value of each type.
    private const ushort NotImplementedUInt16 = 0xFFFF;
    private const ushort NotImplementedInt16 = 0x8000;
    private const uint NotImplementedUInt32 = 0xFFFF_FFFF;
    private const uint NotImplementedInt32 = 0x8000_0000;
    private const ulong NotImplementedUInt64 = 0xFFFF_FFFF_FFFF_FFFF;
    private const ulong NotImplementedInt64 = 0x8000_0000_0000_0000;
    private const ulong NotImplementedEui48 = 0xFFFF_FFFF_FFFF;

    /// <summary>Decodes a model; <paramref name="registers"/> start at its <c>ID</c> register and hold <c>2 + L</c> registers.</summary>
    public static SunSpecModel Decode(SunSpecModelDefinition definition, ushort address, ReadOnlyMemory<ushort> registers)
    {
        var context = new Context(definition, address, registers);
        var (points, groups, _) = DecodeGroup(context, definition.Group, 0, parent: null, prefix: string.Empty);
        return new SunSpecModel(definition.Id, definition.Name, address, registers.Length - 2, points, groups, registers)
        {
            PointDescriptions = context.Descriptions,
        };
    }

    /// <summary>A model this gateway has no definition for: listed, not decoded.</summary>
    public static SunSpecModel Undecoded(int id, ushort address, ReadOnlyMemory<ushort> registers) =>
        new(id, null, address, registers.Length - 2, new OrderedDictionary<string, object?>(), [], registers);

    public static bool TryDecodeNumber(ReadOnlySpan<ushort> registers, SunSpecPointType type, ushort? scaleFactorRegister, out double value)
    {
        value = 0;
        if (!TryRaw(registers, type, out var raw))
        {
            return false;
        }

        if (scaleFactorRegister is { } scale)
        {
            if (scale == NotImplementedInt16)
            {
                return false;
            }

            raw = Scale(raw, (short)scale);
        }

        value = raw;
        return true;
    }

    private static (OrderedDictionary<string, object?> Points, List<SunSpecGroupInstance> Groups, int Length) DecodeGroup(
        Context context, SunSpecGroupDefinition group, int offset, Scope? parent, string prefix)
    {
        var registers = context.Registers.Span;
        var scope = new Scope(parent);
        foreach (var point in group.Points)
        {
            if (point.Type is SunSpecPointType.ScaleFactor or SunSpecPointType.Count or SunSpecPointType.UInt16
                && offset + point.Offset < registers.Length)
            {
                scope.Registers[point.Name] = (registers[offset + point.Offset], (ushort)(context.Address + offset + point.Offset));
            }
        }

        var points = new OrderedDictionary<string, object?>(group.Points.Count);
        foreach (var point in group.Points)
        {
            var start = offset + point.Offset;
            if (start + point.Size > registers.Length)
            {
                break;
            }

            var slice = registers.Slice(start, point.Size);
            (ushort Raw, ushort Address)? scaleFactor = null;
            if (point.ScaleFactor is { } name && scope.TryFind(name, out var found))
            {
                scaleFactor = found;
            }

            points[point.Name] = DecodePoint(point, slice, scaleFactor?.Raw, point.ScaleFactor is not null && scaleFactor is null);
            if (SunSpecPointTypes.IsNumeric(point.Type) && point.Type != SunSpecPointType.Count && point.Name is not ("ID" or "L"))
            {
                context.Descriptions.Add(new SunSpecPointDescription(
                    context.Definition.Id,
                    prefix + point.Name,
                    (ushort)(context.Address + start),
                    point.Size,
                    point.Type,
                    scaleFactor?.Address,
                    point.Units,
                    context.Measurement,
                    prefix + point.Name));
            }
        }

        var groups = new List<SunSpecGroupInstance>();
        var next = offset + group.FixedLength;
        foreach (var child in group.Groups)
        {
            var repetitions = child.Count.Kind switch
            {
                SunSpecGroupCountKind.Once => 1,
                SunSpecGroupCountKind.FromPoint => scope.TryFind(child.Count.PointName!, out var count) && count.Raw != NotImplementedUInt16 ? count.Raw : 0,
                _ => InstanceLength(child, scope) is > 0 and var length ? (registers.Length - next) / length : 0,
            };
            for (var index = 0; index < repetitions && next < registers.Length; index++)
            {
                var indexOrNull = child.Count.Kind == SunSpecGroupCountKind.Once ? (int?)null : index;
                var childPrefix = prefix + child.Name + (indexOrNull is { } i ? "_" + i.ToString(CultureInfo.InvariantCulture) : string.Empty) + "_";
                var (childPoints, childGroups, consumed) = DecodeGroup(context, child, next, scope, childPrefix);
                groups.Add(new SunSpecGroupInstance(child.Name, indexOrNull, childPoints, childGroups));
                next += consumed;
            }
        }

        return (points, groups, next - offset);
    }

    private static int InstanceLength(SunSpecGroupDefinition group, Scope scope)
    {
        var length = group.FixedLength;
        foreach (var child in group.Groups)
        {
            var repetitions = child.Count.Kind switch
            {
                SunSpecGroupCountKind.Once => 1,
                SunSpecGroupCountKind.FromPoint when scope.TryFind(child.Count.PointName!, out var count) && count.Raw != NotImplementedUInt16 => count.Raw,
                _ => 0,
            };
            length += repetitions * InstanceLength(child, scope);
        }

        return length;
    }

    private static object? DecodePoint(SunSpecPointDefinition point, ReadOnlySpan<ushort> registers, ushort? scaleFactor, bool scaleFactorMissing)
    {
        switch (point.Type)
        {
            case SunSpecPointType.Pad:
                return null;
            case SunSpecPointType.ScaleFactor:
                return registers[0] == NotImplementedInt16 ? null : (double)(short)registers[0];
            case SunSpecPointType.String:
                return DecodeString(registers);
            case SunSpecPointType.Enum16 or SunSpecPointType.Enum32:
                var enumValue = Assemble(registers);
                if (enumValue == (point.Type == SunSpecPointType.Enum16 ? NotImplementedUInt16 : NotImplementedUInt32))
                {
                    return null;
                }

                foreach (var symbol in point.Symbols)
                {
                    if ((ulong)symbol.Value == enumValue)
                    {
                        return symbol.Name;
                    }
                }

                return (double)enumValue;
            case SunSpecPointType.Bitfield16 or SunSpecPointType.Bitfield32 or SunSpecPointType.Bitfield64:
                var bits = Assemble(registers);
                var allOnes = point.Type switch
                {
                    SunSpecPointType.Bitfield16 => NotImplementedUInt16,
                    SunSpecPointType.Bitfield32 => NotImplementedUInt32,
                    _ => NotImplementedUInt64,
                };
                if (bits == allOnes)
                {
                    return null;
                }

                var names = new List<string>();
                for (var bit = 0; bit < registers.Length * 16; bit++)
                {
                    if ((bits & (1UL << bit)) != 0)
                    {
                        // A set bit the model does not name is still shown, by its number.
                        names.Add(point.Symbols.FirstOrDefault(symbol => symbol.Value == bit).Name ?? bit.ToString(CultureInfo.InvariantCulture));
                    }
                }

                return names.ToArray();
            case SunSpecPointType.IPv4Address:
                var address = (uint)Assemble(registers);
                return address == 0 ? null : new IPAddress(BinaryPrimitives.ReverseEndianness(address)).ToString();
            case SunSpecPointType.IPv6Address:
                var bytes = ToBytes(registers);
                return bytes.All(value => value == 0) ? null : new IPAddress(bytes).ToString();
            case SunSpecPointType.Eui48:
                // The address sits in the low 48 bits of the four registers.
                var mac = Assemble(registers) & NotImplementedEui48;
                if (mac == NotImplementedEui48)
                {
                    return null;
                }

                return string.Join(':', Enumerable.Range(0, 6).Select(index => ((mac >> (40 - (8 * index))) & 0xFF).ToString("X2", CultureInfo.InvariantCulture)));
            default:
                if (scaleFactorMissing || !TryDecodeNumber(registers, point.Type, point.ScaleFactor is null ? null : scaleFactor, out var number))
                {
                    return null;
                }

                return number;
        }
    }

    private static bool TryRaw(ReadOnlySpan<ushort> registers, SunSpecPointType type, out double value)
    {
        var raw = Assemble(registers);
        value = 0;
        switch (type)
        {
            case SunSpecPointType.UInt16 or SunSpecPointType.Count:
                value = raw;
                return raw != NotImplementedUInt16;
            case SunSpecPointType.Int16:
                value = (short)raw;
                return raw != NotImplementedInt16;
            case SunSpecPointType.UInt32:
                value = raw;
                return raw != NotImplementedUInt32;
            case SunSpecPointType.Int32:
                value = (int)raw;
                return raw != NotImplementedInt32;
            case SunSpecPointType.UInt64:
                value = raw;
                return raw != NotImplementedUInt64;
            case SunSpecPointType.Int64:
                value = (long)raw;
                return raw != NotImplementedInt64;
            case SunSpecPointType.Accumulator16 or SunSpecPointType.Accumulator32 or SunSpecPointType.Accumulator64:
                value = raw;
                return raw != 0;
            case SunSpecPointType.Float32:
                value = BitConverter.UInt32BitsToSingle((uint)raw);
                return !double.IsNaN(value);
            case SunSpecPointType.Float64:
                value = BitConverter.UInt64BitsToDouble(raw);
                return !double.IsNaN(value);
            default:
                return false;
        }
    }

    // Dividing by a power of ten for negative factors keeps 151 × 10^-1 at exactly the double nearest 15.1.
    private static double Scale(double value, short scaleFactor) => scaleFactor >= 0
        ? value * Math.Pow(10, scaleFactor)
        : value / Math.Pow(10, -scaleFactor);

    // SunSpec values are big-endian: the first register holds the most significant word.
    private static ulong Assemble(ReadOnlySpan<ushort> registers)
    {
        ulong value = 0;
        foreach (var register in registers)
        {
            value = (value << 16) | register;
        }

        return value;
    }

    private static byte[] ToBytes(ReadOnlySpan<ushort> registers)
    {
        var bytes = new byte[registers.Length * 2];
        for (var index = 0; index < registers.Length; index++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(index * 2), registers[index]);
        }

        return bytes;
    }

    private static string? DecodeString(ReadOnlySpan<ushort> registers)
    {
        var bytes = ToBytes(registers);
        if (bytes.All(value => value == 0))
        {
            return null;
        }

        var end = Array.IndexOf(bytes, (byte)0);
        return Encoding.UTF8.GetString(bytes, 0, end < 0 ? bytes.Length : end).Trim();
    }

    private sealed class Context(SunSpecModelDefinition definition, ushort address, ReadOnlyMemory<ushort> registers)
    {
        public SunSpecModelDefinition Definition { get; } = definition;

        public ushort Address { get; } = address;

        public ReadOnlyMemory<ushort> Registers { get; } = registers;

        public List<SunSpecPointDescription> Descriptions { get; } = [];

        public string Measurement { get; } = definition.Id is (>= 101 and <= 103) or (>= 111 and <= 113) or 160 or 701 or 714
            ? "inverter"
            : definition.Name;
    }

    private sealed class Scope(Scope? parent)
    {
        private readonly Scope? parentScope = parent;

        public Dictionary<string, (ushort Raw, ushort Address)> Registers { get; } = [];

        public bool TryFind(string name, out (ushort Raw, ushort Address) value)
        {
            for (var scope = this; scope is not null; scope = scope.parentScope)
            {
                if (scope.Registers.TryGetValue(name, out value))
                {
                    return true;
                }
            }

            value = default;
            return false;
        }
    }
}
