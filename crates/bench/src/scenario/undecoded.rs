//! A Route client that encodes its request but does not decode the answer
//! (it only counts its bytes), so that a comparison can separate what the
//! router costs from what decoding its answers costs the load generator,
//! which shares the machine's cores with the servers.

use judicial_proto::v1 as pb;
use prost::Message;
use prost::bytes::Buf;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;
use tonic::{Request, Status};

/// Encodes a RouteRequest; hands back the answer's length undecoded.
#[derive(Debug, Clone, Copy, Default)]
struct UndecodedCodec;

#[derive(Debug, Clone, Copy, Default)]
struct RequestEncoder;

#[derive(Debug, Clone, Copy, Default)]
struct LengthDecoder;

impl Encoder for RequestEncoder {
    type Item = pb::RouteRequest;
    type Error = Status;

    fn encode(&mut self, item: Self::Item, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        item.encode(dst)
            .map_err(|e| Status::internal(format!("encode: {e}")))
    }
}

impl Decoder for LengthDecoder {
    type Item = usize;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<usize>, Status> {
        let n = src.remaining();
        src.advance(n);
        Ok(Some(n))
    }
}

impl Codec for UndecodedCodec {
    type Encode = pb::RouteRequest;
    type Decode = usize;
    type Encoder = RequestEncoder;
    type Decoder = LengthDecoder;

    fn encoder(&mut self) -> RequestEncoder {
        RequestEncoder
    }

    fn decoder(&mut self) -> LengthDecoder {
        LengthDecoder
    }
}

/// Calls Route and returns the answer's encoded length, without decoding it.
pub async fn route(channel: Channel, request: pb::RouteRequest) -> Result<usize, Status> {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(format!("not ready: {e}")))?;
    let path = PathAndQuery::from_static("/judicial.v1.RouterService/Route");
    let answer = grpc
        .unary(Request::new(request), path, UndecodedCodec)
        .await?;
    Ok(answer.into_inner())
}
