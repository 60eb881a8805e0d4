using System.Text.Json;
using static Portable.Functions.AwsLambda.EnvelopeReader;

namespace Portable.Functions.AwsLambda;

/// <summary>Reads the S3 notification event with <see cref="Utf8JsonReader"/> directly, as <see cref="SqsJson"/> does the SQS event.</summary>
internal static class S3Json
{
    /// <exception cref="JsonException">The payload is not JSON, not an object, or a mapped member has the wrong type.</exception>
    public static List<S3Record?>? ReadRecords(ReadOnlySpan<byte> payload) => EnvelopeReader.ReadRecords<S3Record>(payload, ReadRecord);

    private static S3Record ReadRecord(ref Utf8JsonReader reader)
    {
        var record = new S3Record();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("awsRegion"u8))
            {
                record.AwsRegion = ReadString(ref reader, ".awsRegion");
            }
            else if (reader.ValueTextEquals("eventTime"u8))
            {
                record.EventTime = ReadString(ref reader, ".eventTime");
            }
            else if (reader.ValueTextEquals("eventName"u8))
            {
                record.EventName = ReadString(ref reader, ".eventName");
            }
            else if (reader.ValueTextEquals("responseElements"u8))
            {
                record.ResponseElements = ReadStringMap(ref reader, ".responseElements");
            }
            else if (reader.ValueTextEquals("s3"u8))
            {
                record.S3 = ReadEntity(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }

        return record;
    }

    private static S3Entity? ReadEntity(ref Utf8JsonReader reader)
    {
        if (!ReadStart(ref reader, JsonTokenType.StartObject, ".s3"))
        {
            return null;
        }
        var entity = new S3Entity();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("bucket"u8))
            {
                if (!ReadStart(ref reader, JsonTokenType.StartObject, ".s3.bucket"))
                {
                    entity.Bucket = null;
                    continue;
                }

                var bucket = new S3Bucket();
                while (NextMember(ref reader))
                {
                    if (reader.ValueTextEquals("name"u8))
                    {
                        bucket.Name = ReadString(ref reader, ".s3.bucket.name");
                    }
                    else if (reader.ValueTextEquals("arn"u8))
                    {
                        bucket.Arn = ReadString(ref reader, ".s3.bucket.arn");
                    }
                    else
                    {
                        Skip(ref reader);
                    }
                }

                entity.Bucket = bucket;
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                entity.Object = ReadObject(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }

        return entity;
    }

    private static S3Object? ReadObject(ref Utf8JsonReader reader)
    {
        if (!ReadStart(ref reader, JsonTokenType.StartObject, ".s3.object"))
        {
            return null;
        }
        var s3Object = new S3Object();
        while (NextMember(ref reader))
        {
            if (reader.ValueTextEquals("key"u8))
            {
                s3Object.Key = ReadString(ref reader, ".s3.object.key");
            }
            else if (reader.ValueTextEquals("size"u8))
            {
                s3Object.Size = ReadInt64(ref reader, ".s3.object.size");
            }
            else if (reader.ValueTextEquals("eTag"u8))
            {
                s3Object.ETag = ReadString(ref reader, ".s3.object.eTag");
            }
            else if (reader.ValueTextEquals("versionId"u8))
            {
                s3Object.VersionId = ReadString(ref reader, ".s3.object.versionId");
            }
            else if (reader.ValueTextEquals("sequencer"u8))
            {
                s3Object.Sequencer = ReadString(ref reader, ".s3.object.sequencer");
            }
            else
            {
                Skip(ref reader);
            }
        }

        return s3Object;
    }
}
