# prototype: T5 biases from MiniLM attention on a constant-token sequence (session 29 probe; not in the repo)
import sys, json, math, os, tempfile, torch, numpy as np
from safetensors.numpy import load_file, save_file
from transformers import BertModel
from transformers.models.t5.modeling_t5 import T5Attention
M='/root/.cache/rmt/all-MiniLM-L6-v2'; target=sys.argv[1]; tokid=int(sys.argv[2])
model=BertModel.from_pretrained(M, attn_implementation='eager').eval()
T=320; batch=torch.tensor([[101]+[tokid]*318+[102]])
with torch.no_grad(): att=model(batch,output_attentions=True).attentions
R=128; rows=torch.arange(1+R,1+318-R)
w=load_file(target+'/model.safetensors')
for l,a in enumerate(att):
    lp=torch.log(a.double().clamp_min(1e-9)); H=lp.shape[1]
    prof=torch.stack([lp[:,:,rows,rows+r].mean(dim=(0,2)) for r in range(-R,R+1)])
    tab=torch.zeros(32,H,dtype=torch.float64); cnt=[0]*32
    for k,r in enumerate(range(-R,R+1)):
        b=int(T5Attention._relative_position_bucket(torch.tensor(r),bidirectional=True,num_buckets=32,max_distance=128)); tab[b]+=prof[k]; cnt[b]+=1
    for b in range(32):
        if cnt[b]: tab[b]/=cnt[b]
    tab[16]=tab[31]
    tab-= (tab[15]+tab[31])/2
    w[f'encoder.layer.{l}.attention.self.position.t5_bias']=tab.numpy().astype(np.float32)
save_file(w,target+'/model.safetensors',metadata={'format':'pt'})
print('ok', tokid)
