using System.IO.Hashing;
using System.Text;
using Loos.Edge.Core;

namespace Loos.Edge.Web.Tenant;

/// <summary>One home's link as kept on disk: a short id to name it, the home, when it was made and the SHA-256 of its secret.</summary>
internal sealed record TenantToken(string Id, string Home, DateTimeOffset Created, byte[] SecretHash);

/// <summary>
/// The tenants' links in <c>web-tokens.dat</c>, replaced atomically (<see cref="DurableFile"/>): only the hashes of the
/// secrets are kept, so the file (0600) read by someone else shows no working link.
/// </summary>
/// <remarks>
/// Version 1, little-endian (BinaryWriter; strings with its 7-bit length prefix, UTF-8): magic "LEWT" (4) · version (1)
/// · reserved, zero (3) · token count int32 · per token: id, home, created (UTC ticks int64), SHA-256 of the secret
/// (32 bytes) · CRC-32 (IEEE) of everything before it. What forces a version bump: any change to this layout, to the
/// meaning of a field (another hash, another secret encoding), or to the CRC.
/// </remarks>
internal static class TenantTokenFile
{
    public const byte Version = 1;
    private const int HeaderLength = 8;
    private const int HashLength = 32;

    private static ReadOnlySpan<byte> Magic => "LEWT"u8;

    public static byte[] Encode(IReadOnlyCollection<TenantToken> tokens)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(new byte[3]);
            writer.Write(tokens.Count);
            foreach (var token in tokens)
            {
                writer.Write(token.Id);
                writer.Write(token.Home);
                writer.Write(token.Created.UtcTicks);
                writer.Write(token.SecretHash);
            }

            writer.Write(Crc32.HashToUInt32(memory.GetBuffer().AsSpan(0, (int)memory.Length)));
        }

        return memory.ToArray();
    }

    /// <summary>The tokens of a whole version-1 file.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a whole tokens file of this version; the message says why.</exception>
    public static IReadOnlyList<TenantToken> Decode(byte[] data)
    {
        if (data.Length < HeaderLength + sizeof(int) + sizeof(uint) || !data.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a tokens file (no LEWT header)");
        }

        if (BitConverter.ToUInt32(data, data.Length - sizeof(uint)) != Crc32.HashToUInt32(data.AsSpan(0, data.Length - sizeof(uint))))
        {
            throw new InvalidDataException($"the CRC does not match ({data.Length} bytes: truncated or damaged)");
        }

        if (data[Magic.Length] != Version)
        {
            throw new InvalidDataException($"it is of format version {data[Magic.Length]}; this gateway reads version {Version}");
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(data, HeaderLength, data.Length - HeaderLength - sizeof(uint)), Encoding.UTF8);
            var tokens = new TenantToken[reader.ReadInt32()];
            for (var i = 0; i < tokens.Length; i++)
            {
                var id = reader.ReadString();
                var home = reader.ReadString();
                var created = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
                var hash = reader.ReadBytes(HashLength);
                if (hash.Length != HashLength)
                {
                    throw new EndOfStreamException("a hash is cut short");
                }

                tokens[i] = new TenantToken(id, home, created, hash);
            }

            return tokens;
        }
        catch (Exception exception) when (exception is EndOfStreamException or ArgumentException or OverflowException or IOException)
        {
            throw new InvalidDataException($"its contents do not parse: {exception.Message}", exception);
        }
    }

    /// <summary>The tokens in the file at <paramref name="path"/>; none when there is no file yet.</summary>
    /// <exception cref="InvalidDataException">The file is damaged or of a newer version.</exception>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file exists but cannot be read.</exception>
    public static IReadOnlyList<TenantToken> Read(string path) => File.Exists(path) ? Decode(File.ReadAllBytes(path)) : [];

    /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="tokens"/>, atomically and durably.</summary>
    /// <exception cref="IOException">The file or its directory cannot be written or synchronised.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static void Write(string path, IReadOnlyCollection<TenantToken> tokens)
    {
        DurableFile.CreatePrivateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        DurableFile.Replace(path, Encode(tokens));
    }
}
