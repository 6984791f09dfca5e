namespace Loos.Edge.Forwarding.Tests;

public sealed class ForwarderOptionsValidatorTests
{
    [Fact]
    public void Check_V2WithoutBucketOrToken_NamesEveryKeyPath()
    {
        var options = new ForwarderOptions { DeadLetterDirectory = "/var/lib/loos-edge" };
        options.Targets.Add(new TargetOptions { Name = "cloud", Api = InfluxApi.V2, Url = "http://127.0.0.1:8086", Org = "loos" });

        var problems = ForwarderOptionsValidator.Check(options);

        Assert.Equal(["forwarder:targets:0:bucket is required for api v2", "forwarder:targets:0:tokenFile is required for api v2"], problems);
    }

    [Fact]
    public void Check_SeveralProblems_ReportsAllWithTheirTargetIndex()
    {
        var options = new ForwarderOptions();
        options.Targets.Add(new TargetOptions { Name = "a", Api = InfluxApi.V1, Url = "http://127.0.0.1:8086", Database = "site", DeadLetterFile = "/tmp/a.lp" });
        options.Targets.Add(new TargetOptions { Name = "a", Api = InfluxApi.V1, Url = "ftp://x", BatchSize = 0, Timeout = TimeSpan.Zero, PasswordFile = "/etc/pw" });

        var problems = ForwarderOptionsValidator.Check(options);

        Assert.Equal(
            [
                "forwarder:targets:1:name 'a' is used by another target",
                "forwarder:targets:1:url 'ftp://x' must be an absolute http or https URL",
                "forwarder:targets:1:database is required for api v1",
                "forwarder:targets:1:username is required when passwordFile is set",
                "forwarder:targets:1:batchSize must be at least 1",
                "forwarder:targets:1:timeout must be positive",
                "forwarder:targets:1:deadLetterFile is required when forwarder:deadLetterDirectory is not set",
            ],
            problems);
    }

    [Fact]
    public void Check_CredentialsInUrl_Rejected()
    {
        var options = new ForwarderOptions { DeadLetterDirectory = "/var/lib/loos-edge" };
        options.Targets.Add(new TargetOptions { Name = "a", Api = InfluxApi.V1, Url = "http://user:pw@127.0.0.1:8086", Database = "site" });

        Assert.Equal(["forwarder:targets:0:url must not hold credentials; use tokenFile or username and passwordFile"], ForwarderOptionsValidator.Check(options));
    }

    [Fact]
    public void Check_CaFileProblemsAndASmallDeadLetterCap_NamesEachKey()
    {
        var directory = Directory.CreateTempSubdirectory("loos-edge-ca-").FullName;
        try
        {
            var notPem = Path.Combine(directory, "not-a-certificate.pem");
            File.WriteAllText(notPem, "hello\n");
            var options = new ForwarderOptions { DeadLetterDirectory = "/var/lib/loos-edge" };
            options.Targets.Add(new TargetOptions { Name = "a", Api = InfluxApi.V1, Url = "http://127.0.0.1:8086", Database = "site", CaFile = notPem, DeadLetterMaxBytes = 1000 });
            options.Targets.Add(new TargetOptions { Name = "b", Api = InfluxApi.V1, Url = "https://influx.example:8086", Database = "site", CaFile = Path.Combine(directory, "missing.pem") });

            var problems = ForwarderOptionsValidator.Check(options);

            Assert.Equal(4, problems.Count);
            Assert.Equal("forwarder:targets:0:deadLetterMaxBytes must be at least 65536 (64 KiB)", problems[0]);
            Assert.Equal("forwarder:targets:0:caFile is set but the url is not https", problems[1]);
            Assert.Equal($"forwarder:targets:0:caFile '{notPem}' holds no PEM certificate", problems[2]);
            Assert.StartsWith($"forwarder:targets:1:caFile '{Path.Combine(directory, "missing.pem")}' cannot be read: ", problems[3]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ResolveDeadLetterFile_NoTargetPath_UsesDirectoryAndName()
    {
        var options = new ForwarderOptions { DeadLetterDirectory = "/var/lib/loos-edge" };

        Assert.Equal("/var/lib/loos-edge/dead-letter-cloud.lp", options.ResolveDeadLetterFile(new TargetOptions { Name = "cloud" }));
        Assert.Equal("/data/x.lp", options.ResolveDeadLetterFile(new TargetOptions { Name = "cloud", DeadLetterFile = "/data/x.lp" }));
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var target = new TargetOptions();

        Assert.Equal(5000, target.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(1), target.BatchMaxAge);
        Assert.True(target.Gzip);
        Assert.Equal(TimeSpan.FromSeconds(30), target.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(60), target.MaxRetryDelay);
        Assert.Equal(5, target.CircuitBreakerFailures);
        Assert.Equal(TimeSpan.FromSeconds(1), target.CircuitBreakDuration);
        Assert.Equal(16 * 1024 * 1024, target.DeadLetterMaxBytes);
        Assert.Null(target.CaFile);
    }
}
