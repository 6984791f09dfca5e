using Loos.Edge.MBus;
using Loos.Edge.Testing;

namespace Loos.Edge.MBus.Tests;

public sealed class MBusFuzzTests
{
    private const int Iterations = 1_000_000;

    [Fact]
    public void Decode_OneMillionMutatedAndRandomFrames_OnlyDocumentedExceptionEscapes()
    {
        var seeds = Seeds();
        var random = new Random(13757);
        var decoded = 0;
        var rejected = 0;
        var buffer = new byte[300];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            int length;
            if (iteration % 4 == 0)
            {
                // A random user data block in a valid long frame: exercises the application layer.
                var dataLength = random.Next(0, 250);
                buffer[0] = 0x68;
                buffer[1] = buffer[2] = (byte)(dataLength + 3);
                buffer[3] = 0x68;
                buffer[4] = 0x08;
                buffer[5] = (byte)random.Next(256);
                buffer[6] = (byte)(random.Next(3) switch { 0 => 0x72, 1 => 0x73, _ => 0x70 + random.Next(16) });
                random.NextBytes(buffer.AsSpan(7, dataLength));
                length = dataLength + 9;
            }
            else
            {
                var seed = seeds[random.Next(seeds.Count)];
                seed.CopyTo(buffer, 0);
                length = seed.Length;
                var mutations = random.Next(1, 5);
                for (var mutation = 0; mutation < mutations; mutation++)
                {
                    switch (random.Next(3))
                    {
                        case 0 when length > 9:
                            buffer[random.Next(7, length - 2)] = (byte)random.Next(256);
                            break;
                        case 1 when length > 10:
                            // Truncate the user data, keeping the framing consistent.
                            var cut = random.Next(1, Math.Min(length - 9, 40));
                            buffer[length - 2 - cut] = buffer[length - 2];
                            length -= cut;
                            buffer[1] = buffer[2] = (byte)(length - 6);
                            break;
                        default:
                            buffer[random.Next(length)] ^= (byte)(1 << random.Next(8));
                            break;
                    }
                }
            }

            // Most mutations fix up the checksum and stop byte so that the application layer sees them.
            if (random.Next(8) != 0 && length >= 6 && buffer[0] == 0x68)
            {
                byte sum = 0;
                for (var index = 4; index < length - 2; index++)
                {
                    sum += buffer[index];
                }

                buffer[length - 2] = sum;
                buffer[length - 1] = 0x16;
            }

            if (MBusDecoder.TryDecode(buffer.AsSpan(0, length), out _, out _))
            {
                decoded++;
            }
            else
            {
                rejected++;
            }
        }

        Assert.Equal(Iterations, decoded + rejected);
        Assert.True(decoded > 10_000, $"only {decoded} frames decoded: the fuzzer is not reaching the record decoder");
        Assert.True(rejected > 10_000, $"only {rejected} frames rejected");
    }

    private static List<byte[]> Seeds()
    {
        var seeds = new List<byte[]>
        {
            MBusDecoderTests.Long([0x08, 0x11, 0x72, 0x17, 0x58, 0x85, 0x06, 0x2D, 0x2C, 0x08, 0x04, 0x04, 0x00, 0x00, 0x00, 0x04, 0x06, 0xE7, 0x91, 0x00, 0x00, 0x0D, 0xFC, 0x02, 0x41, 0x42, 0x02, 0x41, 0x0F, 0x01]),
        };
        if (RepositoryPaths.CorpusFolder(LibmbusCorpus.Folder) is not null)
        {
            seeds.AddRange(LibmbusCorpus.Frames("test-frames").Select(LibmbusCorpus.ReadFrame));
        }

        return seeds;
    }
}
