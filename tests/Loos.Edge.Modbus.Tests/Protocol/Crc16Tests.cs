using System.Text;
using Loos.Edge.Modbus.Protocol;

namespace Loos.Edge.Modbus.Tests.Protocol;

public sealed class Crc16Tests
{
    [Fact]
    public void Compute_SerialLineSpecExample_Is1241()
    {
        // Modbus over Serial Line v1.02 §6.2.2 example: address 02, function 07 gives CRC 0x1241 (sent 41 12).
        Assert.Equal(0x1241, Crc16.Compute([0x02, 0x07]));
    }

    [Fact]
    public void Compute_CheckString_Is4B37()
    {
        // The catalogue check value of CRC-16/MODBUS over "123456789".
        Assert.Equal(0x4B37, Crc16.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Append_ReadHoldingRegistersFrame_AppendsLowByteFirst()
    {
        var frame = new byte[8];
        byte[] body = [0x01, 0x03, 0x00, 0x00, 0x00, 0x02];
        body.CopyTo(frame, 0);

        var length = Crc16.Append(frame, body.Length);

        Assert.Equal(8, length);
        Assert.Equal([0x01, 0x03, 0x00, 0x00, 0x00, 0x02, 0xC4, 0x0B], frame);
    }

    [Fact]
    public void IsValid_OneBitFlipped_IsFalse()
    {
        byte[] frame = [0x01, 0x03, 0x00, 0x00, 0x00, 0x02, 0xC4, 0x0B];
        Assert.True(Crc16.IsValid(frame));

        frame[3] ^= 0x01;

        Assert.False(Crc16.IsValid(frame));
    }
}
